import assert from "node:assert/strict";
import { test } from "node:test";
import { Code } from "../../src/transports/codes.js";
import { LineSplitter } from "../../src/transports/http/ndjson.js";
import type { RpcError } from "../../src/transports/rpc-error.js";

const feed = (splitter: LineSplitter, chunks: readonly string[] | readonly Buffer[]) =>
  chunks.flatMap((chunk) => splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk));

test("LineSplitter: lines cut anywhere across chunks, \\r\\n and blank lines, a last line without a newline", () => {
  const splitter = new LineSplitter();
  assert.deepEqual(feed(splitter, ['{"va', 'lue":1}\r\n\n{"value"', ":2}\n", '{"value":3}']), ['{"value":1}', '{"value":2}']);
  assert.equal(splitter.end(), '{"value":3}');
  assert.equal(splitter.end(), undefined);
});

test("LineSplitter: a multi-byte character cut between two chunks is decoded whole", () => {
  const bytes = Buffer.from('{"nome":"Pão de queijo ☕"}\n');
  const cut = bytes.indexOf(0xe2) + 1; // inside the three bytes of ☕
  const splitter = new LineSplitter();
  assert.deepEqual(feed(splitter, [bytes.subarray(0, cut), bytes.subarray(cut)]), ['{"nome":"Pão de queijo ☕"}']);
});

test("LineSplitter: a line past the limit fails RESOURCE_EXHAUSTED, after the complete lines before it", () => {
  const splitter = new LineSplitter(16);
  assert.deepEqual(splitter.push(Buffer.from('{"value":1}\n{"value":"much too long')), ['{"value":1}']);
  assert.throws(() => splitter.push(Buffer.from("x")), (error: RpcError) => error.code === Code.RESOURCE_EXHAUSTED && /longer than 16 bytes/.test(error.message));
  const growing = new LineSplitter(16);
  assert.deepEqual(growing.push(Buffer.from("0123456789")), []);
  assert.throws(() => growing.push(Buffer.from("0123456789")), (error: RpcError) => error.code === Code.RESOURCE_EXHAUSTED);
});

test("LineSplitter: a long line in many small chunks arrives whole", () => {
  const splitter = new LineSplitter();
  const line = `{"value":"${"x".repeat(200_000)}"}`;
  const chunks: Buffer[] = [];
  for (let i = 0; i < line.length; i += 1000) chunks.push(Buffer.from(line.slice(i, i + 1000)));
  chunks.push(Buffer.from("\n"));
  assert.deepEqual(feed(splitter, chunks), [line]);
});
