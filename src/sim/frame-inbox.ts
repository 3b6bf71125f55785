import { RpcError } from "../transports/rpc-error.js";
import type { Frame } from "./sim-served-call.js";

/**
 * Frames of one call, released in sequence order; a failure ends it.
 *
 * A reader waits on one plain promise that `put` or `fail` settles directly
 * (no async function, no wake-up promise): a unary call reads one frame, and
 * every simulated call makes one of these.
 */
export class FrameInbox {
  /** Frames that came before one they follow; made only when a link reorders. */
  #early: Map<number, Frame> | undefined;
  readonly #ready: Frame[] = [];
  #nextSeq = 0;
  #failure: RpcError | undefined;
  #waiter: { resolve: (frame: Frame) => void; reject: (error: RpcError) => void } | undefined;

  /** Takes a frame as it lands; frames that came early wait for the ones before them. */
  put(frame: Frame): void {
    if (frame.seq === this.#nextSeq) {
      this.#nextSeq++;
      this.#ready.push(frame);
      for (let f = this.#early?.get(this.#nextSeq); f; f = this.#early!.get(this.#nextSeq)) {
        this.#early!.delete(this.#nextSeq++);
        this.#ready.push(f);
      }
    } else {
      (this.#early ??= new Map()).set(frame.seq, frame);
    }
    this.#settle();
  }

  /** Ends the call with `error` (the first failure wins). */
  fail(error: RpcError): void {
    this.#failure ??= error;
    this.#settle();
  }

  /** The next frame in order; rejects with the failure, or with the error a frame carries. */
  next(): Promise<Frame> {
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#settle();
    });
  }

  /** Hands the waiting reader what it can have now: the failure first, then the next frame. */
  #settle(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    if (this.#failure) {
      this.#waiter = undefined;
      waiter.reject(this.#failure);
      return;
    }
    const frame = this.#ready.shift();
    if (!frame) return;
    this.#waiter = undefined;
    if (frame.kind === "error") waiter.reject(new RpcError(frame.code, frame.message));
    else waiter.resolve(frame);
  }
}
