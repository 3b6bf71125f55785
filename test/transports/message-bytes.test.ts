import assert from "node:assert/strict";
import { test } from "node:test";
import { ProcessarPagamentoRequest } from "../../src/gen/ecommerce/v1/pagamentos.js";
import { encodeMessage } from "../../src/transports/message-bytes.js";

const request = ProcessarPagamentoRequest.fromPartial({ pedidoId: 7, valorCentavos: 1990, metodo: "pix", itens: [{ produtoId: 1, quantidade: 2, precoUnitarioCentavos: 995 }] });

test("encodeMessage gives the same bytes as a fresh writer, and each result is the caller's own copy", () => {
  const first = encodeMessage(ProcessarPagamentoRequest, request);
  const second = encodeMessage(ProcessarPagamentoRequest, { ...request, pedidoId: 8 });
  assert.deepEqual(first, ProcessarPagamentoRequest.encode(request).finish());
  assert.equal(ProcessarPagamentoRequest.decode(first).pedidoId, 7);
  assert.equal(ProcessarPagamentoRequest.decode(second).pedidoId, 8);
});

test("a message the encoder refuses leaves nothing behind for the next one", () => {
  assert.throws(() => encodeMessage(ProcessarPagamentoRequest, { ...request, itens: [{ produtoId: 1, quantidade: 2 ** 40, precoUnitarioCentavos: 1 }] }), /invalid/);
  assert.deepEqual(encodeMessage(ProcessarPagamentoRequest, request), ProcessarPagamentoRequest.encode(request).finish());
});
