/**
 * Gateway P in front of services on real loopback servers (gRPC and
 * HTTP/JSON): the same routes, an order followed over SSE to its terminal
 * status, streams that stop when the browser goes away, deadlines.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import type { BackendTransport } from "../../src/gateway/index.js";
import { postJson } from "../http/raw.js";
import { assertError, get, sseEvents } from "./http.js";
import { startTestStack, type TestStack } from "./stack.js";

const T = { timeout: 20_000 };

for (const transport of ["grpc", "http"] as const satisfies readonly BackendTransport[]) {
  describe(`Gateway P over ${transport}`, () => {
    let stack: TestStack;

    before(async () => {
      stack = await startTestStack(transport);
    });
    after(async () => {
      await stack.close();
      assert.deepEqual(stack.unexpected, []);
    });

    it("an order placed through the gateway is followed over SSE to enviado or cancelado", T, async () => {
      const created = await postJson(stack.url("/pedidos"), { cliente_id: 1, itens: [{ produto_id: 1, quantidade: 2 }, { produto_id: 3, quantidade: 1 }], metodo_pagamento: "cartao_credito" });
      assert.equal(created.status, 201, created.text);
      const { id } = created.json as { id: number };
      const events = sseEvents((await get(stack.url(`/pedidos/${id}/acompanhar`), { accept: "text/event-stream" })).text);
      assert.deepEqual(events.at(-1), { event: "end", data: {} });
      const last = events.at(-2)!.data as { pedidoId: number; status: string };
      assert.equal(last.pedidoId, id);
      assert.ok(last.status === "enviado" || last.status === "cancelado", last.status);
      const read = (await get(stack.url(`/pedidos/${id}`))).json as { status: string };
      assert.equal(read.status, last.status);
    });

    it("the seed routes answer the same as in-process", T, async () => {
      assert.deepEqual((await get(stack.url("/sum?a=5&b=3"), { accept: "application/json" })).json, { result: 8 });
      assert.equal((await get(stack.url("/sum?a=5&b=3"))).text, "Soma de 5 + 3 = 8\n");
      assert.deepEqual((await get(stack.url("/a/hello?name=pspd"))).json, { from: "A", message: "Olá, pspd! [A]" });
      assert.deepEqual((await get(stack.url("/b/numbers?count=3&delay_ms=1"))).json, { from: "B", values: [1, 2, 3] });
      assertError(await get(stack.url("/divide?a=1&b=0")), 400, "INVALID_ARGUMENT", /^b must not be 0/);
      assert.equal(((await get(stack.url("/produtos"))).json as unknown[]).length, 4);
    });

    it("a deadline header shorter than the stream is 504 DEADLINE_EXCEEDED", T, async () => {
      assertError(await get(stack.url("/b/numbers?count=5&delay_ms=1000"), { "x-deadline-ms": "100" }), 504, "DEADLINE_EXCEEDED", /deadline/i);
    });

    it("a browser that leaves mid-stream frees the gateway, which keeps answering", T, async () => {
      const firstNumber = await new Promise<string>((resolve, reject) => {
        const req = request(stack.url("/b/numbers?count=1000&delay_ms=50"), { headers: { accept: "text/event-stream" } }, (res) => {
          res.once("data", (chunk: Buffer) => {
            resolve(chunk.toString("utf8"));
            req.destroy();
          });
        });
        req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
        req.end();
      });
      assert.match(firstNumber, /^data: \{"from":"B","value":1\}/);
      assert.deepEqual((await get(stack.url("/b/numbers?count=2"))).json, { from: "B", values: [1, 2] });
    });
  });
}
