import assert from "node:assert/strict";
import { inspect } from "node:util";
import type { Clock } from "../../src/core/clock.js";
import { Code, codeName, createClient, createInProcessTransport, createRouter, RpcError, type ClientOf, type ImplOf, type ServiceDefinition } from "../../src/transports/index.js";

/** A typed client for `impl` over the in-process transport (with its encode/decode round trip). */
export function inProcessClient<D extends ServiceDefinition>(definition: D, impl: ImplOf<D>): ClientOf<D> {
  const router = createRouter().service(definition, impl);
  return createClient(definition, createInProcessTransport(router, { onUnexpectedError: (error) => assert.fail(`unexpected ${inspect(error)}`) }));
}

/** Asserts that `promise` rejects with an RpcError of `code` whose message matches `message`; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: Code, message?: RegExp): Promise<RpcError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof RpcError, `expected an RpcError, got ${inspect(caught)}`);
  assert.equal(codeName(caught.code), codeName(code), `code of ${caught}`);
  if (message) assert.match(caught.message, message);
  return caught;
}

/** A clock whose timers fire on the next turn of the event loop, recording every delay asked for. */
export class InstantClock implements Clock {
  readonly delays: number[] = [];
  now(): number {
    return 0;
  }
  setTimer(ms: number, fn: () => void): () => void {
    this.delays.push(ms);
    const timer = setImmediate(fn);
    return () => clearImmediate(timer);
  }
}

/** Polls `condition` every 5 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
