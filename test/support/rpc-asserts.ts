/** Assertions on RPC outcomes shared by the transport, conformance and lab tests. */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { codeName, type Code } from "../../src/transports/codes.js";
import { RpcError } from "../../src/transports/rpc-error.js";

/**
 * Asserts that `promise` rejects with an RpcError of `code`, and when given, a
 * message equal to a string or matching a RegExp; returns the error.
 */
export async function rejectsWith(promise: Promise<unknown>, code: Code, message?: string | RegExp): Promise<RpcError> {
  const caught = await promise.then(
    () => assert.fail(`expected ${codeName(code)}, the call succeeded`),
    (error: unknown) => error,
  );
  assert.ok(caught instanceof RpcError, `expected an RpcError, got ${inspect(caught)}`);
  assert.equal(codeName(caught.code), codeName(code), `code of ${caught}`);
  if (typeof message === "string") assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}
