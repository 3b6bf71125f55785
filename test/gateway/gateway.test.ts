/**
 * Gateway P over real services (in-process transport, the fastest to start):
 * every route's answer with the seeds' shapes, bad parameters as 400 naming
 * the parameter, the HTTP layer's 404/405/413/415, the page's static files.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { postJson, raw } from "../http/raw.js";
import { assertError, get, sseEvents } from "./http.js";
import { startTestStack, TEST_CATALOG, type TestStack } from "./stack.js";

const T = { timeout: 20_000 };

type PedidoJson = { id: number; clienteId: number; status: string; valorTotalCentavos: number; historico: { status: string }[] };

describe("Gateway P routes", () => {
  let stack: TestStack;
  let url: (path: string) => string;

  before(async () => {
    stack = await startTestStack("inproc", { maxSimOrders: 40 });
    url = stack.url;
  });
  after(async () => {
    await stack.close();
    assert.deepEqual(stack.unexpected, [], "no unexpected errors in the gateway");
  });

  describe("checkout (seed 003)", () => {
    it("GET /produtos answers exactly the seed's bare array of {id, nome, estoque}", T, async () => {
      const answer = await get(url("/produtos"));
      assert.equal(answer.status, 200);
      assert.match(String(answer.headers["content-type"]), /^application\/json/);
      assert.deepEqual(answer.json, TEST_CATALOG.produtos.map(({ id, nome, estoque }) => ({ id, nome, estoque })));
    });

    it("GET /catalogo adds the price; GET /clientes lists the customers", T, async () => {
      const catalogo = await get(url("/catalogo"));
      assert.deepEqual(catalogo.json, TEST_CATALOG.produtos.map(({ id, nome, precoCentavos, estoque }) => ({ id, nome, precoCentavos, estoque })));
      const clientes = await get(url("/clientes"));
      assert.deepEqual(clientes.json, TEST_CATALOG.clientes);
    });

    it("POST /pedidos places an order through the chain; GET /pedidos/{id} reads it back", T, async () => {
      const created = await postJson(url("/pedidos"), { cliente_id: 2, itens: [{ produto_id: 4, quantidade: 2 }], metodo_pagamento: "boleto" });
      assert.equal(created.status, 201, created.text);
      const pedido = created.json as PedidoJson;
      assert.equal(pedido.clienteId, 2);
      assert.equal(pedido.valorTotalCentavos, 2 * 19900);
      assert.ok(["enviado", "cancelado"].includes(pedido.status), pedido.status);
      const read = await get(url(`/pedidos/${pedido.id}`));
      assert.equal(read.status, 200);
      assert.equal((read.json as PedidoJson).status, pedido.status);
      assert.deepEqual((read.json as PedidoJson).historico, pedido.historico);
    });

    it("GET /pedidos/{id}/acompanhar streams every status as SSE up to the terminal one, then an end event", T, async () => {
      const pedido = (await postJson(url("/pedidos"), { cliente_id: 1, itens: [{ produto_id: 1, quantidade: 1 }], metodo_pagamento: "pix" })).json as PedidoJson;
      const answer = await get(url(`/pedidos/${pedido.id}/acompanhar`), { accept: "text/event-stream" });
      assert.equal(answer.status, 200);
      assert.match(String(answer.headers["content-type"]), /^text\/event-stream/);
      const events = sseEvents(answer.text);
      assert.deepEqual(events.at(-1), { event: "end", data: {} });
      const statuses = events.slice(0, -1).map((e) => (e.data as { status: string }).status);
      assert.equal(statuses[0], "pendente");
      assert.equal(statuses.at(-1), pedido.status);
      assert.deepEqual(statuses, pedido.historico.map((h) => h.status));
    });

    it("without an accept header the stream is NDJSON", T, async () => {
      const pedido = (await postJson(url("/pedidos"), { cliente_id: 1, itens: [{ produto_id: 3, quantidade: 1 }], metodo_pagamento: "pix" })).json as PedidoJson;
      const answer = await get(url(`/pedidos/${pedido.id}/acompanhar`));
      assert.match(String(answer.headers["content-type"]), /^application\/x-ndjson/);
      const lines = answer.text.trim().split("\n").map((line) => JSON.parse(line) as { status: string });
      assert.equal(lines.at(-1)!.status, pedido.status);
    });

    it("refuses bad orders and ids with 400 naming the field", T, async () => {
      assertError(await get(url("/pedidos/abc")), 400, "INVALID_ARGUMENT", /pedido_id must be a positive integer/);
      assertError(await get(url("/pedidos/999")), 404, "NOT_FOUND", /pedido 999/);
      assertError(await postJson(url("/pedidos"), { cliente_id: 1, itens: [], metodo_pagamento: "pix" }), 400, "INVALID_ARGUMENT", /itens/);
      assertError(await postJson(url("/pedidos"), { cliente_id: 1, itens: [{ produto_id: 1, quantidade: 1 }], metodo_pagamento: "cheque" }), 400, "INVALID_ARGUMENT", /metodo_pagamento/);
      // 2^32 + 1 does not fit the int32 quantidade: refused, never wrapped to 1.
      const huge = await postJson(url("/pedidos"), { cliente_id: 1, itens: [{ produto_id: 1, quantidade: 4294967297 }], metodo_pagamento: "pix" });
      assertError(huge, 400, "INVALID_ARGUMENT", /cannot carry.*4294967297/);
    });
  });

  describe("calculator (seed 000)", () => {
    it("answers each operation with the service's reply", T, async () => {
      const cases: [string, unknown][] = [
        ["/sum?a=5&b=3", { result: 8 }],
        ["/subtract?a=5&b=8", { result: -3 }],
        ["/multiply?a=-4&b=6", { result: -24 }],
        ["/divide?a=7&b=2", { result: 3.5, quotient: 3, remainder: 1 }],
        ["/square?number=7", { result: 49 }],
        ["/sqrt?number=2.25", { result: 1.5 }],
        ["/power?base=2&exponent=10", { result: 1024 }],
        ["/factorial?number=5", { result: 120 }],
        ["/factorial?number=0", { result: 1 }],
      ];
      for (const [path, expected] of cases) {
        const answer = await get(url(path), { accept: "application/json" });
        assert.equal(answer.status, 200, `${path}: ${answer.text}`);
        assert.deepEqual(answer.json, expected, path);
      }
    });

    it("answers curl (no JSON asked for) with the seed gateway's text line", T, async () => {
      const cases: [string, string][] = [
        ["/sum?a=5&b=3", "Soma de 5 + 3 = 8\n"],
        ["/square?number=7", "Quadrado de 7 = 49\n"],
        ["/subtract?a=5&b=8", "Subtração de 5 - 8 = -3\n"],
        ["/multiply?a=-4&b=6", "Multiplicação de -4 * 6 = -24\n"],
        ["/divide?a=7&b=2", "Divisão de 7 / 2 = 3.5 (quociente 3, resto 1)\n"],
        ["/sqrt?number=2.25", "Raiz quadrada de 2.25 = 1.5\n"],
        ["/power?base=2&exponent=10", "Potência de 2 ^ 10 = 1024\n"],
        ["/factorial?number=5", "Fatorial de 5 = 120\n"],
      ];
      for (const [path, expected] of cases) {
        const answer = await get(url(path), { accept: "*/*" });
        assert.equal(answer.status, 200, `${path}: ${answer.text}`);
        assert.match(String(answer.headers["content-type"]), /^text\/plain/);
        assert.equal(answer.text, expected, path);
      }
      // Errors stay {code, message}, whatever was asked for.
      assertError(await get(url("/divide?a=1&b=0"), { accept: "*/*" }), 400, "INVALID_ARGUMENT", /b must not be 0/);
    });

    it("bad parameters are 400 with a message naming the parameter", T, async () => {
      assertError(await get(url("/sum?b=3")), 400, "INVALID_ARGUMENT", /missing parameter a \(e\.g\. \/sum\?a=5&b=3\)/);
      assertError(await get(url("/sum?a=5&b=tres")), 400, "INVALID_ARGUMENT", /^b must be an integer, got "tres"/);
      assertError(await get(url("/sum?a=1.5&b=1")), 400, "INVALID_ARGUMENT", /^a must be an integer/);
      assertError(await get(url("/multiply?a=99999999999999999999&b=1")), 400, "INVALID_ARGUMENT", /^a must be an integer in/);
      assertError(await get(url("/divide?a=7&b=0")), 400, "INVALID_ARGUMENT", /^b must not be 0/);
      assertError(await get(url("/square")), 400, "INVALID_ARGUMENT", /missing parameter number/);
      assertError(await get(url("/sqrt?number=-4")), 400, "INVALID_ARGUMENT", /^number must be >= 0/);
      assertError(await get(url("/sqrt?number=abc")), 400, "INVALID_ARGUMENT", /^number must be a finite number/);
      assertError(await get(url("/power?base=2&exponent=-1")), 400, "INVALID_ARGUMENT", /^exponent must be >= 0/);
      // Past 2^53 - 1 the answer is an error, never a rounded number.
      assertError(await get(url("/factorial?number=19")), 400, "OUT_OF_RANGE", /factorial\(19\)/);
      assertError(await get(url("/power?base=2&exponent=53")), 400, "OUT_OF_RANGE", /power\(2, 53\)/);
    });
  });

  describe("hello and numbers (seed 001)", () => {
    it("GET /a/hello answers {from: 'A', message}, greeting 'mundo' by default", T, async () => {
      assert.deepEqual((await get(url("/a/hello?name=Edilberto"))).json, { from: "A", message: "Olá, Edilberto! [A]" });
      assert.deepEqual((await get(url("/a/hello"))).json, { from: "A", message: "Olá, mundo! [A]" });
      assertError(await get(url(`/a/hello?name=${"x".repeat(201)}`)), 400, "INVALID_ARGUMENT", /^name must be at most 200/);
    });

    it("GET /b/numbers collects the stream as the seed's {from: 'B', values}", T, async () => {
      assert.deepEqual((await get(url("/b/numbers?count=10&delay_ms=1"))).json, { from: "B", values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
      // The seed's gateway defaults: count 5, delay_ms 0.
      assert.deepEqual((await get(url("/b/numbers"))).json, { from: "B", values: [1, 2, 3, 4, 5] });
    });

    it("GET /b/numbers streams each number as SSE or NDJSON when asked", T, async () => {
      const sse = await get(url("/b/numbers?count=4&delay_ms=2"), { accept: "text/event-stream" });
      assert.deepEqual(sseEvents(sse.text), [
        ...[1, 2, 3, 4].map((value) => ({ event: "message", data: { from: "B", value } })),
        { event: "end", data: {} },
      ]);
      const nd = await get(url("/b/numbers?count=3"), { accept: "application/x-ndjson" });
      assert.equal(nd.text, '{"from":"B","value":1}\n{"from":"B","value":2}\n{"from":"B","value":3}\n');
    });

    it("bad count or delay_ms is 400 naming it, before any number is sent", T, async () => {
      assertError(await get(url("/b/numbers?count=0")), 400, "INVALID_ARGUMENT", /^count must be an integer in 1\.\.1000/);
      assertError(await get(url("/b/numbers?count=1001")), 400, "INVALID_ARGUMENT", /^count must be an integer in 1\.\.1000/);
      assertError(await get(url("/b/numbers?count=cinco")), 400, "INVALID_ARGUMENT", /^count must be an integer, got "cinco"/);
      assertError(await get(url("/b/numbers?count=3&delay_ms=10001"), { accept: "text/event-stream" }), 400, "INVALID_ARGUMENT", /^delay_ms must be an integer in 0\.\.10000/);
      assertError(await get(url("/b/numbers?count=4294967297")), 400, "INVALID_ARGUMENT", /^count must be an integer in -2147483648\.\.2147483647/);
    });
  });

  describe("hortifruti (seed 002)", () => {
    it("lists, finds by name (any case) and by maximum price, and updates stock", T, async () => {
      const all = (await get(url("/hortifruti/produtos"))).json as { nome: string; precoCentavos: number; estoque: number }[];
      assert.deepEqual(all.map((p) => p.nome), ["Maca", "Pera", "Banana", "Caju"]);
      assert.deepEqual((await get(url("/hortifruti/produtos/PERA"))).json, { nome: "Pera", precoCentavos: 500, estoque: 15 });
      assert.deepEqual(((await get(url("/hortifruti/busca?preco_maximo=3,00"))).json as { nome: string }[]).map((p) => p.nome), ["Maca", "Caju"]);
      const updated = await postJson(url("/hortifruti/produtos/Banana/estoque"), { delta: -5 });
      assert.deepEqual(updated.json, { nome: "Banana", precoCentavos: 1000, estoque: 25 });
    });

    it("refuses what the seed's protocol refuses, with 400/404 naming the problem", T, async () => {
      assertError(await get(url("/hortifruti/produtos/Kiwi")), 404, "NOT_FOUND", /Kiwi/);
      assertError(await get(url("/hortifruti/busca?preco_maximo=barato")), 400, "INVALID_ARGUMENT", /^preco_maximo must be a price/);
      assertError(await postJson(url("/hortifruti/produtos/Caju/estoque"), { delta: -61 }), 400, "FAILED_PRECONDITION", /insufficient stock of Caju: 60 available/);
      assertError(await postJson(url("/hortifruti/produtos/Caju/estoque"), { delta: "dez" }), 400, "INVALID_ARGUMENT", /^delta must be an integer/);
      assertError(await postJson(url("/hortifruti/produtos/Caju/estoque"), {}), 400, "INVALID_ARGUMENT", /^delta must be an integer .* got nothing/);
    });
  });

  describe("simulator runs", () => {
    it("GET /api/scenarios names the scenarios; POST /api/sim answers the JSON report of a short run", T, async () => {
      const scenarios = (await get(url("/api/scenarios"))).json as { name: string; description: string }[];
      assert.ok(scenarios.some((s) => s.name === "baseline") && scenarios.some((s) => s.name === "chaos"));
      const answer = await postJson(url("/api/sim"), { scenario: "crash-pagamentos", seed: 4, orders: 30 });
      assert.equal(answer.status, 200, answer.text);
      const report = answer.json as { scenario: string; seed: number; orders: { placed: number; pending: number }; invariants: { ok: boolean }[]; traceHash: string };
      assert.equal(report.scenario, "crash-pagamentos");
      assert.equal(report.seed, 4);
      assert.equal(report.orders.placed, 30);
      assert.equal(report.orders.pending, 0);
      assert.ok(report.invariants.length >= 5 && report.invariants.every((i) => i.ok), answer.text);
      // The sim transport is deterministic: the same run gives the same trace.
      const again = (await postJson(url("/api/sim"), { scenario: "crash-pagamentos", seed: 4, orders: 30 })).json as { traceHash: string };
      assert.equal(again.traceHash, report.traceHash);
    });

    it("refuses unknown scenarios, too many orders, and faults on inproc", T, async () => {
      assertError(await postJson(url("/api/sim"), { scenario: "tsunami" }), 400, "INVALID_ARGUMENT", /^scenario must be one of baseline,/);
      assertError(await postJson(url("/api/sim"), { orders: 41 }), 400, "INVALID_ARGUMENT", /^orders must be an integer in 1\.\.40/);
      assertError(await postJson(url("/api/sim"), { scenario: "chaos", transport: "inproc" }), 400, "INVALID_ARGUMENT", /inproc transport cannot/);
      assertError(await postJson(url("/api/sim"), { transport: "carrier-pigeon" }), 400, "INVALID_ARGUMENT", /^transport must be one of sim, inproc/);
    });
  });

  describe("HTTP layer", () => {
    it("GET /healthz answers ok", T, async () => {
      const answer = await get(url("/healthz"));
      assert.equal(answer.status, 200);
      assert.equal(answer.text, "ok\n");
    });

    it("unknown route 404, wrong verb 405 with Allow, oversized body 413, bad JSON 400, wrong content type 415", T, async () => {
      assertError(await get(url("/nada")), 404, "NOT_FOUND", /no route for GET \/nada/);
      const wrong = await raw(url("/sum?a=1&b=2"), { method: "DELETE" });
      assertError(wrong, 405, "UNIMPLEMENTED", /DELETE is not allowed on \/sum; use GET/);
      assert.equal(wrong.headers.allow, "GET");
      const big = await raw(url("/pedidos"), { headers: { "content-type": "application/json" }, body: Buffer.alloc((1 << 20) + 1, 0x20) });
      assertError(big, 413, "RESOURCE_EXHAUSTED", /larger than the limit of 1048576 bytes/);
      assertError(await raw(url("/pedidos"), { headers: { "content-type": "application/json" }, body: "{nope" }), 400, "INVALID_ARGUMENT", /malformed JSON/);
      assertError(await raw(url("/pedidos"), { headers: { "content-type": "text/plain" }, body: "{}" }), 415, "INVALID_ARGUMENT", /content-type must be application\/json/);
      // The server is still answering after all of that.
      assert.equal((await get(url("/sum?a=1&b=1"))).status, 200);
    });

    it("serves the page's files with their content types, and nothing outside them", T, async () => {
      const index = await get(url("/"));
      assert.equal(index.status, 200);
      assert.match(String(index.headers["content-type"]), /^text\/html; charset=utf-8/);
      assert.match(String(index.headers["content-security-policy"]), /default-src 'self'/);
      assert.match(index.text, /<script type="module" src="\/app\.js">/);
      assert.match(String((await get(url("/app.js"))).headers["content-type"]), /^text\/javascript/);
      assert.match(String((await get(url("/style.css"))).headers["content-type"]), /^text\/css/);
      assert.match(String((await get(url("/favicon.svg"))).headers["content-type"]), /^image\/svg\+xml/);
      for (const path of ["/../package.json", "/%2e%2e/package.json", "/..%2fpackage.json", "/public/index.html", "/gateway.ts", "/index.html/"]) {
        const answer = await get(url(path));
        assert.equal(answer.status, 404, `${path}: ${answer.status}`);
        assert.doesNotMatch(answer.text, /"name": "checkout-lab"|<html/);
      }
      assertError(await raw(url("/"), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }), 405, "UNIMPLEMENTED", /use GET, HEAD/);
    });
  });
});
