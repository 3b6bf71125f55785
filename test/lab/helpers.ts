import assert from "node:assert/strict";
import { inspect } from "node:util";
import type { Clock } from "../../src/core/clock.js";
import { createClient, createInProcessTransport, createRouter, type ClientOf, type ImplOf, type ServiceDefinition } from "../../src/transports/index.js";

export { rejectsWith } from "../support/rpc-asserts.js";
export { waitFor } from "../conformance/harness.js";

/** A typed client for `impl` over the in-process transport (with its encode/decode round trip). */
export function inProcessClient<D extends ServiceDefinition>(definition: D, impl: ImplOf<D>): ClientOf<D> {
  const router = createRouter().service(definition, impl);
  return createClient(definition, createInProcessTransport(router, { onUnexpectedError: (error) => assert.fail(`unexpected ${inspect(error)}`) }));
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

