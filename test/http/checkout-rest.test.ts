/**
 * The seed's REST surface over a real checkout: the six services on one
 * in-process router (as src/sim/deploy-inproc.ts wires them, on the system
 * clock), served over HTTP with the checkout's REST routes beside the RPC ones.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createRandom } from "../../src/core/random.js";
import { bindService, CHECKOUT_DEFINITIONS, createCheckoutServices } from "../../src/core/system/services.js";
import { createCheckoutStores, type CheckoutCatalog, type CheckoutStores } from "../../src/core/system/stores.js";
import { SERVICE_NAMES } from "../../src/core/vocabulary.js";
import { createClient } from "../../src/transports/client.js";
import { checkoutRestRoutes } from "../../src/transports/http/checkout-rest.js";
import { createHttpServer, type HttpServer } from "../../src/transports/http/server.js";
import { createHttpTransport, type HttpTransport } from "../../src/transports/http/transport.js";
import { createInProcessTransport } from "../../src/transports/inproc/index.js";
import { createRouter } from "../../src/transports/router.js";
import { systemClock } from "../../src/transports/system-clock.js";
import { dumpTables } from "../core/fixture.js";
import { assertError, ndjson, postJson, raw } from "./raw.js";

const T = { timeout: 10_000 };

/** Two customers; four products, one of them out of stock and one with a single unit. */
const CATALOG: CheckoutCatalog = {
  clientes: [
    { id: 1, nome: "Ana Souza", email: "ana@example.com" },
    { id: 2, nome: "Bruno Lima", email: "bruno@example.com" },
  ],
  produtos: [
    { id: 1, nome: "Produto A", precoCentavos: 2590, estoque: 10 },
    { id: 5, nome: "Produto B", precoCentavos: 4990, estoque: 0 },
    { id: 12, nome: "Produto C", precoCentavos: 1250, estoque: 5 },
    { id: 20, nome: "Fone de ouvido", precoCentavos: 19900, estoque: 1 },
  ],
};

type PedidoJson = { id: number; clienteId: number; status: string; motivo: string; valorTotalCentavos: number; itens: unknown[]; historico: { status: string }[] };

describe("checkout REST surface", () => {
  let stores: CheckoutStores;
  let server: HttpServer;
  let url: (path: string) => string;
  const unexpected: unknown[] = [];

  before(async () => {
    stores = await createCheckoutStores(CATALOG);
    const router = createRouter();
    const inproc = createInProcessTransport(router, { clock: systemClock, onUnexpectedError: (e) => unexpected.push(e) });
    const services = createCheckoutServices({ stores, clock: () => systemClock, random: createRandom(7), connect: () => inproc, approvalRate: 1 });
    for (const name of SERVICE_NAMES) bindService(router, name, services[name]);
    server = await createHttpServer(router, { rest: checkoutRestRoutes(), onUnexpectedError: (e) => unexpected.push(e) });
    url = (path) => server.url + path;
  });
  after(async () => {
    await server?.close();
    for (const name of SERVICE_NAMES) stores?.[name].close();
    assert.deepEqual(unexpected, [], "no handler threw a non-RpcError");
  });

  it("GET /produtos answers exactly the seed's bare array of {id, nome, estoque}", T, async () => {
    const answer = await raw(url("/produtos"), { method: "GET" });
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers["content-type"]), /^application\/json/);
    assert.equal(
      answer.text,
      '[{"id":1,"nome":"Produto A","estoque":10},{"id":5,"nome":"Produto B","estoque":0},{"id":12,"nome":"Produto C","estoque":5},{"id":20,"nome":"Fone de ouvido","estoque":1}]',
    );
    for (const item of answer.json as object[]) assert.deepEqual(Object.keys(item), ["id", "nome", "estoque"]);
  });

  it("POST /pedidos (snake_case) checks out: 201, enviado, and GET /pedidos/{id} matches", T, async () => {
    const body = { cliente_id: 1, itens: [{ produto_id: 1, quantidade: 2 }, { produto_id: 12, quantidade: 1 }], metodo_pagamento: "pix" };
    const created = await postJson(url("/pedidos"), body);
    assert.equal(created.status, 201, created.text);
    const pedido = created.json as PedidoJson;
    assert.equal(pedido.status, "enviado");
    assert.equal(pedido.clienteId, 1);
    assert.equal(pedido.valorTotalCentavos, 2 * 2590 + 1250);
    assert.equal(pedido.motivo, "", "REST answers carry every field, defaults included");
    const fetched = await raw(url(`/pedidos/${pedido.id}`), { method: "GET" });
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.json, pedido);
    // The stock moved, and GET /produtos says so.
    const produtos = (await raw(url("/produtos"), { method: "GET" })).json as { id: number; estoque: number }[];
    assert.equal(produtos.find((p) => p.id === 1)!.estoque, 8);
    assert.equal(produtos.find((p) => p.id === 12)!.estoque, 4);
  });

  it("POST /pedidos (camelCase) for stock that is not there ends cancelado with a reason", T, async () => {
    const created = await postJson(url("/pedidos"), { clienteId: 2, itens: [{ produtoId: 20, quantidade: 2 }], metodoPagamento: "boleto" });
    assert.equal(created.status, 201, created.text);
    const pedido = created.json as PedidoJson;
    assert.equal(pedido.status, "cancelado");
    assert.notEqual(pedido.motivo, "");
    assert.deepEqual((await raw(url(`/pedidos/${pedido.id}`), { method: "GET" })).json, pedido);
    const produtos = (await raw(url("/produtos"), { method: "GET" })).json as { id: number; estoque: number }[];
    assert.equal(produtos.find((p) => p.id === 20)!.estoque, 1, "a cancelled order holds no stock");
  });

  it("an idempotency key returns the same order, not a second one", T, async () => {
    const body = { cliente_id: 2, itens: [{ produto_id: 12, quantidade: 1 }], metodo_pagamento: "cartao_credito", chave_idempotencia: "rest-key-1" };
    const first = (await postJson(url("/pedidos"), body)).json as PedidoJson;
    const again = await postJson(url("/pedidos"), body);
    assert.equal(again.status, 201);
    assert.equal((again.json as PedidoJson).id, first.id);
  });

  it("refuses bad input with 400 naming the field, and writes nothing", T, async () => {
    const before = dumpTables(stores);
    const good = { cliente_id: 1, itens: [{ produto_id: 1, quantidade: 1 }], metodo_pagamento: "pix" };
    const cases: [unknown, RegExp][] = [
      [{ ...good, cliente_id: "abc" }, /cliente_id/],
      [{ ...good, cliente_id: 0 }, /cliente_id/],
      [{ ...good, itens: [] }, /itens/],
      [{ ...good, itens: "muitos" }, /itens/],
      [{ ...good, itens: [{ produto_id: 1, quantidade: 0 }] }, /itens\[0\]\.quantidade/],
      [{ ...good, itens: [{ produto_id: 1, quantidade: 1.5 }] }, /itens\[0\]\.quantidade/],
      [{ ...good, itens: [{ produto_id: -3, quantidade: 1 }] }, /itens\[0\]\.produto_id/],
      [{ ...good, metodo_pagamento: "cheque" }, /metodo_pagamento/],
      [{ cliente_id: 1 }, /metodo_pagamento|itens/],
    ];
    for (const [body, field] of cases) assertError(await postJson(url("/pedidos"), body), 400, "INVALID_ARGUMENT", field);
    assertError(await postJson(url("/pedidos"), { ...good, cliente_id: 99 }), 404, "NOT_FOUND", /cliente_id 99/);
    assertError(await postJson(url("/pedidos"), { ...good, itens: [{ produto_id: 777, quantidade: 1 }] }), 404, "NOT_FOUND", /produto 777/);
    assertError(await raw(url("/pedidos"), { headers: { "content-type": "application/json" }, body: "{nope" }), 400, "INVALID_ARGUMENT", /malformed JSON/);
    assertError(await raw(url("/pedidos"), { headers: { "content-type": "text/plain" }, body: JSON.stringify(good) }), 415, "INVALID_ARGUMENT", /content-type/);
    assertError(await raw(url("/pedidos"), { headers: { "content-type": "application/json" }, body: "[1]" }), 400, "INVALID_ARGUMENT", /JSON object/);
    assert.deepEqual(dumpTables(stores), before, "no table changed");
  });

  it("validates path parameters: 400 naming pedido_id; 404 for an order that does not exist", T, async () => {
    for (const id of ["abc", "0", "-1", "1.5", "1e3", "99999999999999999999", "%20"]) {
      assertError(await raw(url(`/pedidos/${id}`), { method: "GET" }), 400, "INVALID_ARGUMENT", /pedido_id must be a positive integer/);
      assertError(await raw(url(`/pedidos/${id}/acompanhar`), { method: "GET" }), 400, "INVALID_ARGUMENT", /pedido_id/);
    }
    assertError(await raw(url("/pedidos/424242"), { method: "GET" }), 404, "NOT_FOUND", /pedido 424242 not found/);
    assertError(await raw(url("/pedidos/424242/acompanhar"), { method: "GET" }), 404, "NOT_FOUND", /pedido 424242/);
  });

  it("wrong verbs are 405 with Allow; unknown paths 404", T, async () => {
    const del = await raw(url("/pedidos/1"), { method: "DELETE" });
    assertError(del, 405, "UNIMPLEMENTED", /DELETE is not allowed/);
    assert.equal(del.headers.allow, "GET");
    const list = await raw(url("/pedidos"), { method: "GET" });
    assertError(list, 405, "UNIMPLEMENTED", /GET is not allowed on \/pedidos/);
    assert.equal(list.headers.allow, "POST");
    assert.equal((await postJson(url("/produtos"), {})).headers.allow, "GET");
    assertError(await raw(url("/clientes"), { method: "GET" }), 404, "NOT_FOUND", /no route for GET \/clientes/);
  });

  it("GET /pedidos/{id}/acompanhar streams the status history as NDJSON, or SSE", T, async () => {
    const pedido = (await postJson(url("/pedidos"), { cliente_id: 1, itens: [{ produto_id: 1, quantidade: 1 }], metodo_pagamento: "pix" })).json as PedidoJson;
    const stream = await raw(url(`/pedidos/${pedido.id}/acompanhar`), { method: "GET" });
    assert.equal(stream.status, 200);
    assert.match(String(stream.headers["content-type"]), /^application\/x-ndjson/);
    const statuses = (ndjson(stream.text) as { pedidoId: number; status: string }[]).map((s) => s.status);
    assert.deepEqual(statuses, pedido.historico.map((h) => h.status));
    assert.equal(statuses.at(-1), "enviado");
    const sse = await raw(url(`/pedidos/${pedido.id}/acompanhar`), { method: "GET", headers: { accept: "text/event-stream" } });
    assert.match(String(sse.headers["content-type"]), /^text\/event-stream/);
    const events = sse.text.split("\n\n").filter((e) => e.startsWith("data: "));
    assert.deepEqual(events.map((e) => (JSON.parse(e.slice(6)) as { status: string }).status), statuses);
    assert.match(sse.text, /event: end\n/);
  });

  it("POST /pagamentos, /estoque/separar, /notas-fiscais, /envios reach their handlers (idempotent replays here)", T, async () => {
    const pedido = (await postJson(url("/pedidos"), { cliente_id: 1, itens: [{ produto_id: 12, quantidade: 1 }], metodo_pagamento: "pix" })).json as PedidoJson;
    const counts = () => ["pagamentos.pagamentos", "estoque.reservas", "fiscal.notas_fiscais", "logistica.envios"].map((t) => dumpTables(stores)[t]!.length);
    const before = counts();
    const itens = [{ produto_id: 12, quantidade: 1, preco_unitario_centavos: 1250 }];
    const common = { pedido_id: pedido.id, cliente_id: 1, valor_centavos: 1250 };
    const pagamento = await postJson(url("/pagamentos"), { ...common, metodo: "pix", itens });
    assert.equal(pagamento.status, 200, pagamento.text);
    assert.deepEqual([(pagamento.json as { pedidoId: number; ok: boolean }).pedidoId, (pagamento.json as { ok: boolean }).ok], [pedido.id, true]);
    const separar = await postJson(url("/estoque/separar"), { ...common, itens });
    assert.equal((separar.json as { ok: boolean }).ok, true, separar.text);
    const nota = await postJson(url("/notas-fiscais"), common);
    assert.equal((nota.json as { ok: boolean }).ok, true, nota.text);
    const notaId = stores.fiscal.get<{ id: number }>("SELECT id FROM notas_fiscais WHERE pedido_id = ?", [pedido.id])!.id;
    const envio = await postJson(url("/envios"), { pedido_id: pedido.id, nota_fiscal_id: notaId });
    assert.equal((envio.json as { ok: boolean }).ok, true, envio.text);
    assert.deepEqual(counts(), before, "nothing charged, reserved, invoiced or shipped twice");
    assertError(await postJson(url("/pagamentos"), {}), 400, "INVALID_ARGUMENT", /pedido_id/);
    assertError(await postJson(url("/envios"), { pedido_id: pedido.id }), 400, "INVALID_ARGUMENT", /nota_fiscal_id/);
  });

  it("the RPC surface serves the same handlers beside the REST one", T, async () => {
    const transport: HttpTransport = createHttpTransport({ baseUrl: server.url });
    try {
      const catalogo = createClient(CHECKOUT_DEFINITIONS.catalogo, transport);
      const { produtos } = await catalogo.listarProdutos({});
      const rest = (await raw(url("/produtos"), { method: "GET" })).json;
      assert.deepEqual(produtos, rest);
      const pedidos = createClient(CHECKOUT_DEFINITIONS.pedidos, transport);
      const pedido = await pedidos.criarPedido({ clienteId: 2, itens: [{ produtoId: 1, quantidade: 1 }], metodoPagamento: "pix" });
      assert.equal(pedido.status, "enviado");
      const seen: string[] = [];
      for await (const status of pedidos.acompanharPedido({ pedidoId: pedido.id })) seen.push(status.status);
      assert.equal(seen.at(-1), "enviado");
    } finally {
      await transport.close();
    }
  });
});
