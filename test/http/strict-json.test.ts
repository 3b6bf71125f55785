/** Proto3 JSON is decoded strictly: unknown fields and values of the wrong type are refused, naming the path. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CriarPedidoRequest } from "../../src/gen/ecommerce/v1/pedidos.js";
import { CalculatorDefinition } from "../../src/gen/lab/v1/calculator.js";
import { CalculatorService } from "../../src/lab/calculator/calculator-service.js";
import { Code } from "../../src/transports/codes.js";
import { createHttpServer } from "../../src/transports/http/server.js";
import { fromJsonStrict } from "../../src/transports/http/strict-json.js";
import { createRouter } from "../../src/transports/router.js";
import { RpcError } from "../../src/transports/rpc-error.js";

const refuses = (json: unknown, message: RegExp) =>
  assert.throws(() => fromJsonStrict(CriarPedidoRequest, json), (e: unknown) => e instanceof RpcError && e.code === Code.INVALID_ARGUMENT && message.test(e.message));

describe("strict proto3 JSON", () => {
  it("takes proto names and JSON names, int64 as strings, null as the default", () => {
    const json = { cliente_id: "7", itens: [{ produtoId: 2, quantidade: 1 }], metodoPagamento: "pix", chave_idempotencia: null };
    assert.deepEqual(fromJsonStrict(CriarPedidoRequest, json), CriarPedidoRequest.fromJSON(json));
  });

  it("refuses an unknown field at any depth, naming it", () => {
    refuses({ clienteId: 1, bogus: 1 }, /^unknown field bogus$/);
    refuses({ clienteId: 1, itens: [{ produto_id: 1, quantidade: 1, cor: "azul" }] }, /^unknown field itens\[0\]\.cor$/);
  });

  it("refuses values of the wrong JSON type, naming the path", () => {
    refuses({ clienteId: true }, /^clienteId must be a number, got true$/);
    refuses({ clienteId: [1] }, /^clienteId must be a number, got a list$/);
    refuses({ clienteId: { x: 1 } }, /^clienteId must be a number, got an object$/);
    refuses({ clienteId: "sete" }, /^clienteId must be a number, got "sete"$/);
    refuses({ itens: { produtoId: 1 } }, /^itens must be a list, got an object$/);
    refuses({ itens: [7] }, /^itens\[0\] must be an object, got 7$/);
    refuses({ metodoPagamento: 3 }, /^metodoPagamento must be text, got 3$/);
    refuses([], /^the request must be an object, got a list$/);
  });

  it("over HTTP: a typo'd field is a 400 naming it, not a silent zero", async () => {
    const server = await createHttpServer(createRouter().service(CalculatorDefinition, new CalculatorService()));
    try {
      const post = async (body: unknown) => {
        const res = await fetch(`${server.url}/lab.v1.Calculator/Sum`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      assert.deepEqual(await post({ a: 5, b: 3 }), { status: 200, body: { result: 8 } });
      assert.deepEqual(await post({ A: 5, b: 3 }), { status: 400, body: { code: "INVALID_ARGUMENT", message: "unknown field A" } });
      assert.deepEqual(await post({ a: true, b: 3 }), { status: 400, body: { code: "INVALID_ARGUMENT", message: "a must be a number, got true" } });
    } finally {
      await server.close();
    }
  });
});
