import type { Clock } from "../../core/clock.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

interface Waiter {
  readonly deadline: number | undefined;
  readonly admit: () => void;
  readonly fail: (error: RpcError) => void;
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

  /** Takes a free slot at once (true; give it back with `release`), or false when the call must `enqueue`. Throws UNAVAILABLE once closed. */
  tryAcquire(): boolean {
    if (this.#closed) throw new RpcError(Code.UNAVAILABLE, "the grpc transport is closed");
    if (this.#busy < this.#limit && this.#waiting.length === 0) {
      this.#busy++;
      return true;
    }
    return false;
  }

  /**
   * Queues a call for the next slot: `admit` runs once it holds one, `fail` if
   * its turn comes with too little time left or the slots close. Returns the
   * function that takes it out of the queue (the caller gave up); it does
   * nothing once the call was admitted or failed.
   */
  enqueue(deadline: number | undefined, admit: () => void, fail: (error: RpcError) => void): () => void {
    const waiter: Waiter = { deadline, admit, fail };
    this.#waiting.push(waiter);
    return () => {
      const at = this.#waiting.indexOf(waiter);
      if (at >= 0) this.#waiting.splice(at, 1);
    };
  }

  /** Resolves once the call holds a slot (give it back with `release`); rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal, deadline: number | undefined): Promise<void> {
    try {
      if (signal.aborted && !this.#closed) return Promise.reject(signal.reason);
      if (this.tryAcquire()) return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        leave();
        reject(signal.reason);
      };
      const leave = this.enqueue(
        deadline,
        () => (signal.removeEventListener("abort", onAbort), resolve()),
        (error) => (signal.removeEventListener("abort", onAbort), reject(error)),
      );
      signal.addEventListener("abort", onAbort, { once: true });
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
