import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HortifrutiDefinition } from "../../src/gen/lab/v1/hortifruti.js";
import { HortifrutiService } from "../../src/lab/hortifruti/hortifruti-service.js";
import { HORTIFRUTI_SEED, openHortifrutiStore } from "../../src/lab/hortifruti/hortifruti-store.js";
import { Code, RpcError } from "../../src/transports/index.js";
import { inProcessClient, rejectsWith } from "./helpers.js";

const SEED_LIST = [
  { nome: "Maca", precoCentavos: 300, estoque: 20 },
  { nome: "Pera", precoCentavos: 500, estoque: 15 },
  { nome: "Banana", precoCentavos: 1000, estoque: 30 },
  { nome: "Caju", precoCentavos: 200, estoque: 60 },
];

async function setup() {
  const store = await openHortifrutiStore();
  const service = new HortifrutiService({ store });
  return { store, service, client: inProcessClient(HortifrutiDefinition, service) };
}

describe("Hortifruti (seed 002)", () => {
  it("is seeded with the seed's produce, prices in centavos", async () => {
    const { client } = await setup();
    assert.deepEqual(HORTIFRUTI_SEED, SEED_LIST);
    assert.deepEqual(await client.listarProdutos({}), { produtos: SEED_LIST });
  });

  it("finds a product by name, ignoring case and surrounding blanks", async () => {
    const { client } = await setup();
    assert.deepEqual(await client.consultarProduto({ nome: "Banana" }), SEED_LIST[2]);
    assert.deepEqual(await client.consultarProduto({ nome: "  caJU " }), SEED_LIST[3]);
    await rejectsWith(client.consultarProduto({ nome: "Kiwi" }), Code.NOT_FOUND, /^produto "Kiwi" not found$/);
    await rejectsWith(client.consultarProduto({ nome: "" }), Code.INVALID_ARGUMENT, /^nome must not be empty/);
    await rejectsWith(client.consultarProduto({ nome: "   " }), Code.INVALID_ARGUMENT, /^nome must not be empty/);
    await rejectsWith(client.consultarProduto({ nome: "x".repeat(101) }), Code.INVALID_ARGUMENT, /^nome must be at most 100/);
    await rejectsWith(client.consultarProduto({ nome: "Ma\u0000ca" }), Code.INVALID_ARGUMENT, /^nome must not contain control/);
  });

  it("lists the products up to a maximum price, inclusive, in catalog order", async () => {
    const { client } = await setup();
    const nomes = async (precoMaximoCentavos: number) =>
      (await client.consultarPorPreco({ precoMaximoCentavos })).produtos.map((p) => p.nome);
    assert.deepEqual(await nomes(800), ["Maca", "Pera", "Caju"]);
    assert.deepEqual(await nomes(300), ["Maca", "Caju"]);
    assert.deepEqual(await nomes(299), ["Caju"]);
    assert.deepEqual(await nomes(0), []);
    assert.deepEqual(await nomes(Number.MAX_SAFE_INTEGER), ["Maca", "Pera", "Banana", "Caju"]);
    await rejectsWith(client.consultarPorPreco({ precoMaximoCentavos: -1 }), Code.INVALID_ARGUMENT, /^preco_maximo_centavos must be/);
  });

  it("adds and removes stock, returning the product after the change", async () => {
    const { client } = await setup();
    assert.deepEqual(await client.atualizarEstoque({ nome: "Caju", delta: -20 }), { nome: "Caju", precoCentavos: 200, estoque: 40 });
    assert.deepEqual(await client.atualizarEstoque({ nome: "maca", delta: 5 }), { nome: "Maca", precoCentavos: 300, estoque: 25 });
    assert.deepEqual(await client.atualizarEstoque({ nome: "Pera", delta: 0 }), { nome: "Pera", precoCentavos: 500, estoque: 15 });
    assert.deepEqual(await client.atualizarEstoque({ nome: "Pera", delta: -15 }), { nome: "Pera", precoCentavos: 500, estoque: 0 });
    assert.deepEqual((await client.listarProdutos({})).produtos.map((p) => p.estoque), [25, 0, 30, 40]);
  });

  it("refuses stock below zero, naming the product and what is available, and writes nothing", async () => {
    const { client, store } = await setup();
    const before = store.export();
    await rejectsWith(
      client.atualizarEstoque({ nome: "caju", delta: -61 }),
      Code.FAILED_PRECONDITION,
      /^insufficient stock of Caju: 60 available, cannot remove 61$/,
    );
    assert.deepEqual(Buffer.from(store.export()), Buffer.from(before), "the database is unchanged");
    assert.deepEqual(await client.consultarProduto({ nome: "Caju" }), SEED_LIST[3]);
  });

  it("refuses bad deltas, unknown products and stock past the maximum", async () => {
    const { client } = await setup();
    await rejectsWith(client.atualizarEstoque({ nome: "Caju", delta: 1_000_001 }), Code.INVALID_ARGUMENT, /^delta must be an integer in -1000000\.\.1000000/);
    await rejectsWith(client.atualizarEstoque({ nome: "Caju", delta: -1_000_001 }), Code.INVALID_ARGUMENT, /^delta must be/);
    await rejectsWith(client.atualizarEstoque({ nome: "Kiwi", delta: 1 }), Code.NOT_FOUND, /^produto "Kiwi" not found/);
    await rejectsWith(client.atualizarEstoque({ nome: "", delta: 1 }), Code.INVALID_ARGUMENT, /^nome must not be empty/);
    const store = await openHortifrutiStore({ produtos: [{ nome: "Alface", precoCentavos: 150, estoque: 999_999_999 }] });
    const full = inProcessClient(HortifrutiDefinition, new HortifrutiService({ store }));
    await rejectsWith(full.atualizarEstoque({ nome: "Alface", delta: 2 }), Code.FAILED_PRECONDITION, /^stock of Alface would be 1000000001, above/);
    assert.equal((await full.atualizarEstoque({ nome: "Alface", delta: 1 })).estoque, 1_000_000_000);
  });

  it("keeps concurrent updates exact: never negative, every accepted change counted", async () => {
    const { client } = await setup();
    // 100 concurrent removals of 1 from Pera (15 in stock): exactly 15 succeed.
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => client.atualizarEstoque({ nome: "Pera", delta: -1 })));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    assert.equal(ok.length, 15);
    assert.ok(refused.every((r) => r.reason instanceof RpcError && r.reason.code === Code.FAILED_PRECONDITION && /0 available/.test(r.reason.message)));
    assert.deepEqual(
      ok.map((r) => (r as PromiseFulfilledResult<{ estoque: number }>).value.estoque).sort((x, y) => x - y),
      Array.from({ length: 15 }, (_, i) => i),
      "each accepted removal saw a distinct stock level",
    );
    // Mixed additions and removals on Banana: the end result is the sum of what was accepted.
    const deltas = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 7 : -5));
    const mixed = await Promise.allSettled(deltas.map((delta) => client.atualizarEstoque({ nome: "Banana", delta })));
    const applied = deltas.filter((_, i) => mixed[i]!.status === "fulfilled").reduce((sum, d) => sum + d, 0);
    const banana = await client.consultarProduto({ nome: "Banana" });
    assert.equal(banana.estoque, 30 + applied);
    assert.ok(banana.estoque >= 0);
  });

  it("reopens from its own bytes without reseeding", async () => {
    const { client, store } = await setup();
    await client.atualizarEstoque({ nome: "Maca", delta: -3 });
    const reopened = await openHortifrutiStore({ bytes: store.export() });
    const again = inProcessClient(HortifrutiDefinition, new HortifrutiService({ store: reopened }));
    assert.deepEqual((await again.listarProdutos({})).produtos.map((p) => [p.nome, p.estoque]), [
      ["Maca", 17],
      ["Pera", 15],
      ["Banana", 30],
      ["Caju", 60],
    ]);
  });
});
