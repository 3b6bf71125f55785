import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

interface Waiter {
  readonly signal: AbortSignal;
  readonly admit: () => void;
  readonly fail: (error: unknown) => void;
}

/**
 * At most `limit` calls on the wire at once; the others wait in arrival order.
 * A waiting call whose signal aborts (its deadline or its caller) leaves the
 * queue without ever reaching the server: no stream opened, none reset.
 */
export class CallSlots {
  readonly #limit: number;
  #busy = 0;
  #closed = false;
  readonly #waiting = new Set<Waiter>();

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`maxConcurrentCalls must be a positive integer, got ${limit}`);
    this.#limit = limit;
  }

  /** Calls on the wire now. */
  get busy(): number {
    return this.#busy;
  }

  /** Calls waiting for a slot now. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Resolves once the call holds a slot (give it back with `release`); rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(new RpcError(Code.UNAVAILABLE, "the grpc transport is closed"));
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#busy < this.#limit && this.#waiting.size === 0) {
      this.#busy++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#waiting.delete(waiter);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        signal,
        admit: () => (signal.removeEventListener("abort", onAbort), resolve()),
        fail: (error) => (signal.removeEventListener("abort", onAbort), reject(error)),
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting.add(waiter);
    });
  }

  /** Gives a slot back; the oldest waiting call takes it. */
  release(): void {
    const next = this.#waiting.values().next();
    if (next.done) {
      this.#busy--;
      return;
    }
    this.#waiting.delete(next.value);
    next.value.admit();
  }

  /** Fails every waiting call and any later one with UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiting) waiter.fail(new RpcError(Code.UNAVAILABLE, "the grpc transport is closed"));
    this.#waiting.clear();
  }
}
