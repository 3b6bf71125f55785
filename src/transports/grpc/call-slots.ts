import type { Clock } from "../../core/clock.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

interface Waiter {
  readonly deadline: number | undefined;
  readonly admit: () => void;
  readonly fail: (error: unknown) => void;
}

/** Weight of the newest call in the running estimate of a call's duration. */
const EWMA_WEIGHT = 0.1;

/**
 * At most `limit` calls on the wire at once; the others wait in arrival order.
 * A waiting call whose signal aborts (its deadline or its caller) leaves the
 * queue without ever reaching the server: no stream opened, none reset. A
 * waiting call whose deadline is closer than a call usually takes (a running
 * average of `observe`d durations) fails DEADLINE_EXCEEDED when its turn
 * comes instead of being sent: past saturation it would be cancelled on the
 * server half done, and each cancel is a RST_STREAM that Node's HTTP/2 server
 * counts against its rapid-reset guard (a burst of 1000, then 33 a second,
 * after which it closes the whole connection with GOAWAY INTERNAL_ERROR).
 */
export class CallSlots {
  readonly #limit: number;
  readonly #clock: Clock;
  #busy = 0;
  #closed = false;
  #typicalMs = 0;
  readonly #waiting: Waiter[] = [];

  constructor(limit: number, clock: Clock) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`maxConcurrentCalls must be a positive integer, got ${limit}`);
    this.#limit = limit;
    this.#clock = clock;
  }

  /** Calls on the wire now. */
  get busy(): number {
    return this.#busy;
  }

  /** Calls waiting for a slot now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** The running average of a call's duration on the wire, in ms. */
  get typicalMs(): number {
    return this.#typicalMs;
  }

  /** Resolves once the call holds a slot (give it back with `release`); rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal, deadline: number | undefined): Promise<void> {
    if (this.#closed) return Promise.reject(new RpcError(Code.UNAVAILABLE, "the grpc transport is closed"));
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#busy < this.#limit && this.#waiting.length === 0) {
      this.#busy++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        deadline,
        admit: () => (signal.removeEventListener("abort", onAbort), resolve()),
        fail: (error) => (signal.removeEventListener("abort", onAbort), reject(error)),
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** Gives a slot back, with how long the call that held it took; the oldest waiting call with time enough takes it. */
  release(durationMs: number): void {
    this.#typicalMs += EWMA_WEIGHT * (durationMs - this.#typicalMs);
    for (let next = this.#waiting.shift(); next; next = this.#waiting.shift()) {
      const left = next.deadline === undefined ? Number.POSITIVE_INFINITY : next.deadline - this.#clock.now();
      if (left >= this.#typicalMs) return next.admit();
      next.fail(new RpcError(Code.DEADLINE_EXCEEDED, `deadline exceeded before sending: ${Math.max(0, Math.round(left))} ms left, a call takes ~${Math.round(this.#typicalMs)} ms`));
    }
    this.#busy--;
  }

  /** Fails every waiting call and any later one with UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.fail(new RpcError(Code.UNAVAILABLE, "the grpc transport is closed"));
  }
}
