import { RpcError } from "../transports/rpc-error.js";
import type { Frame } from "./sim-served-call.js";

/** Already resolved: `.then` on it queues a job behind the ones queued so far, without a new promise to wait on. */
const RESOLVED = Promise.resolve();

/**
 * Frames of one call, released in sequence order; a failure ends it.
 *
 * A reader waits on one plain promise (no async function): a unary call reads
 * one frame, and every simulated call makes one of these. A frame or failure
 * that arrives while it waits is handed over one job later, failure first, so
 * that a failure in the same turn as a frame (a paused caller's deadline,
 * released together with the reply) still wins, and the reader resumes after
 * the same number of jobs as when it awaited a wake-up promise.
 */
export class FrameInbox {
  /** Frames that came before one they follow; made only when a link reorders. */
  #early: Map<number, Frame> | undefined;
  readonly #ready: Frame[] = [];
  #nextSeq = 0;
  #failure: RpcError | undefined;
  #waiter: { resolve: (frame: Frame) => void; reject: (error: RpcError) => void } | undefined;
  #wakeQueued = false;

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
    this.#wake();
  }

  /** Ends the call with `error` (the first failure wins). */
  fail(error: RpcError): void {
    this.#failure ??= error;
    this.#wake();
  }

  /** The next frame in order; rejects with the failure, or with the error a frame carries. */
  next(): Promise<Frame> {
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#settle();
    });
  }

  /** Settles a waiting reader one job from now. */
  #wake(): void {
    if (this.#waiter === undefined || this.#wakeQueued) return;
    this.#wakeQueued = true;
    void RESOLVED.then(() => {
      this.#wakeQueued = false;
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
