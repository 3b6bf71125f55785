import assert from "node:assert/strict";
import { test } from "node:test";
import { ProcessarPagamentoRequest } from "../../src/gen/ecommerce/v1/pagamentos.js";
import { decodeMessage, encodeMessage } from "../../src/transports/message-bytes.js";

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

test("int64 fields take the number path both ways with the library's bytes and values, at every varint length and sign", () => {
  const edges = [0, 1, 127, 128, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35 - 1, 2 ** 35, 1_735_689_600_123, 2 ** 49 - 1, 2 ** 49, 2 ** 52 + 3, Number.MAX_SAFE_INTEGER];
  for (const value of [...edges, ...edges.map((v) => -v), -(2 ** 53) + 1]) {
    const message = { ...request, pedidoId: value, valorCentavos: value };
    const bytes = encodeMessage(ProcessarPagamentoRequest, message);
    assert.deepEqual(bytes, ProcessarPagamentoRequest.encode(message).finish(), `bytes of ${value}`);
    const decoded = decodeMessage(ProcessarPagamentoRequest, bytes);
    assert.deepEqual(decoded, ProcessarPagamentoRequest.decode(bytes), `decoding ${value}`);
    assert.equal(decoded.pedidoId, value === 0 ? 0 : value);
  }
});

test("decodeMessage refuses a varint cut short and one past the safe range, as the library does", () => {
  const bytes = encodeMessage(ProcessarPagamentoRequest, { ...request, pedidoId: 2 ** 40 });
  assert.throws(() => decodeMessage(ProcessarPagamentoRequest, bytes.subarray(0, 3)), /premature EOF|invalid/i);
  // Field 1 (pedido_id), varint 2^60: readable as int64, too large for a number.
  const huge = Uint8Array.of(0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10);
  assert.throws(() => decodeMessage(ProcessarPagamentoRequest, huge), /MAX_SAFE_INTEGER/);
});

test("encodeMessage's bytes are a plain Uint8Array of their own, empty, small or larger than Node's Buffer pool", () => {
  const first = encodeMessage(ProcessarPagamentoRequest, request);
  const second = encodeMessage(ProcessarPagamentoRequest, request);
  assert.equal(Object.getPrototypeOf(first), Uint8Array.prototype, "not a Buffer: bytes fields must decode as Uint8Array views");
  first.fill(0);
  assert.equal(decodeMessage(ProcessarPagamentoRequest, second).pedidoId, 7, "writing into one result leaves the next alone");
  // Larger than Node's Buffer pool: its own memory.
  const large = { ...request, metodo: "x".repeat(20_000) };
  assert.deepEqual(encodeMessage(ProcessarPagamentoRequest, large), ProcessarPagamentoRequest.encode(large).finish());
  const empty = ProcessarPagamentoRequest.fromPartial({});
  assert.deepEqual(encodeMessage(ProcessarPagamentoRequest, empty), ProcessarPagamentoRequest.encode(empty).finish(), "an empty message");
});

test("int64 fields from 2^32 to 2^53 encode to the library's bytes (10,000 seeded values, every length)", () => {
  let x = 0x9e3779b9;
  const next = () => ((x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) ^ Math.imul(x ^ (x >>> 12), 0x297a2d39)) >>> 0) / 2 ** 32;
  for (let i = 0; i < 10_000; i++) {
    // Spread over the bit lengths 33..53, so every varint length from 5 to 8 bytes comes up.
    const bits = 33 + (i % 21);
    const value = Math.min(Number.MAX_SAFE_INTEGER, 2 ** (bits - 1) + Math.floor(next() * 2 ** (bits - 1)));
    const message = { ...request, pedidoId: value };
    assert.deepEqual(encodeMessage(ProcessarPagamentoRequest, message), ProcessarPagamentoRequest.encode(message).finish(), `bytes of ${value}`);
  }
});
