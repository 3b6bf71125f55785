import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

interface Waiter {
  readonly admit: () => void;
  readonly fail: (error: unknown) => void;
}

/**
 * At most `limit` calls on the wire at once; the others wait. A waiting call
 * whose signal aborts (its deadline or its caller) leaves the queue without
 * ever reaching the server: no stream opened, none reset. While no more than
 * `limit` wait, they go out in arrival order; past that the newest goes first
 * (adaptive LIFO, as in Facebook's "Fail at Scale"): under overload the oldest
 * would reach the server with too little time left and be cancelled there,
 * each cancel a RST_STREAM, while the newest can still finish in time.
 */
export class CallSlots {
  readonly #limit: number;
  #busy = 0;
  #closed = false;
  readonly #waiting: Waiter[] = [];

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
    return this.#waiting.length;
  }

  /** Resolves once the call holds a slot (give it back with `release`); rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal): Promise<void> {
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
        admit: () => (signal.removeEventListener("abort", onAbort), resolve()),
        fail: (error) => (signal.removeEventListener("abort", onAbort), reject(error)),
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** Gives a slot back; a waiting call takes it (the oldest, or the newest when more than `limit` wait). */
  release(): void {
    const next = this.#waiting.length > this.#limit ? this.#waiting.pop() : this.#waiting.shift();
    if (next) next.admit();
    else this.#busy--;
  }

  /** Fails every waiting call and any later one with UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.fail(new RpcError(Code.UNAVAILABLE, "the grpc transport is closed"));
  }
}
