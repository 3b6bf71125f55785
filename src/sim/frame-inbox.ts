import { RpcError } from "../transports/rpc-error.js";
import type { Frame } from "./sim-served-call.js";

/** Frames of one call, released in sequence order; a failure ends it. */
export class FrameInbox {
  readonly #early = new Map<number, Frame>();
  readonly #ready: Frame[] = [];
  #nextSeq = 0;
  #failure: RpcError | undefined;
  #wake: (() => void) | undefined;

  /** Takes a frame as it lands; frames that came early wait for the ones before them. */
  put(frame: Frame): void {
    this.#early.set(frame.seq, frame);
    for (let f = this.#early.get(this.#nextSeq); f; f = this.#early.get(this.#nextSeq)) {
      this.#early.delete(this.#nextSeq++);
      this.#ready.push(f);
    }
    this.#wake?.();
  }

  /** Ends the call with `error` (the first failure wins). */
  fail(error: RpcError): void {
    this.#failure ??= error;
    this.#wake?.();
  }

  /** The next frame in order; rejects with the failure, or with the error a frame carries. */
  async next(): Promise<Frame> {
    for (;;) {
      if (this.#failure) throw this.#failure;
      const frame = this.#ready.shift();
      if (frame) {
        if (frame.kind === "error") throw new RpcError(frame.code, frame.message);
        return frame;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }
}
