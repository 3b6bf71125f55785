import type { Clock } from "../core/clock.js";
import type { CallContext, Metadata } from "./call.js";
import { atDeadline } from "./call-scope.js";

/**
 * The abort of one served call whose AbortController is made only when
 * someone asks for its signal: most unary handlers never read it, and an
 * AbortController with its listeners costs microseconds on a loopback call.
 * It also times the call's deadline, and races the steps of the call (the
 * handler's result, each streamed message, a wait for 'drain') against the
 * abort with one promise per step and no listener left behind, so a long
 * stream holds nothing per message it sent.
 */
export class LazyAbort {
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;
  /** Rejects the step being raced, if any (steps are raced one at a time). */
  #rejectStep: ((reason: unknown) => void) | undefined;
  #cancelTimer: (() => void) | undefined;

  /** Aborted (with the reason given to {@link abort}) once the call is over for its caller. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** True once {@link abort} was called. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Why it aborted (undefined until it has), without making the signal. */
  get reason(): unknown {
    return this.#reason;
  }

  /** Aborts once (later calls are ignored): the signal, if made, first, then the step being raced. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const reject = this.#rejectStep;
    this.#rejectStep = undefined;
    reject?.(reason);
  }

  /**
   * Settles like `step`, or rejects with the abort's reason as soon as the
   * call aborts; an abort that already happened wins over a step already
   * settled. One step at a time: racing a new step forgets the previous one.
   */
  race<T>(step: Promise<T>): Promise<T> {
    if (this.#aborted) {
      // Nobody waits for the step any more: its failure is not an unhandled rejection.
      step.catch(() => {});
      return Promise.reject(this.#reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.#rejectStep = reject;
      step.then(resolve, reject);
    });
  }

  /** Aborts DEADLINE_EXCEEDED at `deadline` on `clock` (at once if it passed); {@link close} stops the timer. */
  expireAt(clock: Clock, deadline: number): void {
    this.#cancelTimer = atDeadline(clock, deadline, (error) => this.abort(error));
  }

  /** Stops the deadline timer, if any. */
  close(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }
}

/** A served call's context whose `signal` is read from `abort` only when the handler asks (a LazyAbort makes its controller then). */
export function lazyContext(path: string, abort: { readonly signal: AbortSignal }, deadline: number | undefined, metadata: Metadata): CallContext {
  return new LazyContext(path, abort, deadline, metadata);
}

/** {@link lazyContext}'s object: a class, since V8 builds an object literal with a getter through a slow runtime call. */
class LazyContext implements CallContext {
  readonly #abort: { readonly signal: AbortSignal };

  constructor(
    readonly path: string,
    abort: { readonly signal: AbortSignal },
    readonly deadline: number | undefined,
    readonly metadata: Metadata,
  ) {
    this.#abort = abort;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }
}
