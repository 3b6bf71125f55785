/**
 * The abort of one served call whose AbortController is made only when
 * someone asks for its signal: most unary handlers never read it, and an
 * AbortController with its listeners costs microseconds on a loopback call.
 */
export class LazyAbort {
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;
  #whenAborted: Promise<never> | undefined;
  #reject: ((reason: unknown) => void) | undefined;

  /** Aborted (with the reason given to {@link abort}) once the call is over for its caller. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts once (later calls are ignored): the signal, if made, first, then {@link whenAborted}. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    this.#reject?.(reason);
  }

  /** Rejects with the reason when it aborts (at once if it has); never settles otherwise. Its rejection is handled. */
  whenAborted(): Promise<never> {
    if (this.#whenAborted === undefined) {
      this.#whenAborted = this.#aborted
        ? Promise.reject(this.#reason)
        : new Promise<never>((_, reject) => {
            this.#reject = reject;
          });
      this.#whenAborted.catch(() => {});
    }
    return this.#whenAborted;
  }
}
