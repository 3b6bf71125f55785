import type { Clock } from "../core/clock.js";
import type { CallContext, Metadata } from "./call.js";
import { atDeadline, type AbortListener, type AbortSource } from "./call-scope.js";

/**
 * The abort of one served call whose AbortController is made only when
 * someone asks for its signal: most unary handlers never read it, and an
 * AbortController with its listeners costs microseconds on a loopback call.
 * It also times the call's deadline, and races the steps of the call (the
 * handler's result, each streamed message, a wait for 'drain') against the
 * abort with one promise per step and no listener left behind, so a long
 * stream holds nothing per message it sent.
 */
export class LazyAbort implements AbortSource {
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;
  /** Rejects the step being raced, if any (steps are raced one at a time). */
  #rejectStep: ((reason: unknown) => void) | undefined;
  #cancelTimer: (() => void) | undefined;
  /** Listeners while there is no signal; moved onto it, in order, once it is made. */
  #listeners: AbortListener[] | undefined;

  /** Aborted (with the reason given to {@link abort}) once the call is over for its caller. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
      const listeners = this.#listeners;
      this.#listeners = undefined;
      for (const listener of listeners ?? []) this.#controller.signal.addEventListener("abort", listener, { once: true });
    }
    return this.#controller.signal;
  }

  /**
   * Calls `listener.handleEvent()` once when it aborts, as an "abort" listener
   * on its signal would, in the same order as those, but without making the
   * signal: a downstream call watches its caller's handler this way (see
   * {@link requestAbort}). Nothing happens if it has aborted already.
   */
  listen(listener: AbortListener): void {
    if (this.#aborted) return;
    if (this.#controller !== undefined) this.#controller.signal.addEventListener("abort", listener, { once: true });
    else (this.#listeners ??= []).push(listener);
  }

  /** Removes a listener given to {@link listen}. */
  unlisten(listener: AbortListener): void {
    if (this.#controller !== undefined) return this.#controller.signal.removeEventListener("abort", listener);
    const listeners = this.#listeners;
    const at = listeners?.indexOf(listener) ?? -1;
    if (at >= 0) listeners!.splice(at, 1);
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
    const listeners = this.#listeners;
    this.#listeners = undefined;
    for (const listener of listeners ?? []) listener.handleEvent();
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
export function lazyContext(path: string, abort: LazyAbort, deadline: number | undefined, metadata: Metadata): CallContext {
  return new LazyContext(path, abort, deadline, metadata);
}

/**
 * The method a served call's context has (on its prototype, so a spread copy
 * does not) to hand its LazyAbort to the calls its handler makes with it.
 */
export const HANDED_ABORT = Symbol("handedAbort");

/** A context with a {@link HANDED_ABORT} method. */
interface HandsOnAbort {
  [HANDED_ABORT](): LazyAbort;
}

/**
 * The LazyAbort behind `options` when they are a served call's context (what
 * a handler passes on to its downstream calls), else undefined.
 */
export function lazyAbortOf(options: object): LazyAbort | undefined {
  const handed = (options as Partial<HandsOnAbort>)[HANDED_ABORT];
  return typeof handed === "function" ? handed.call(options) : undefined;
}

/** {@link lazyContext}'s object: a class, since V8 builds an object literal with a getter through a slow runtime call. */
class LazyContext implements CallContext, HandsOnAbort {
  readonly #abort: LazyAbort;

  constructor(
    readonly path: string,
    abort: LazyAbort,
    readonly deadline: number | undefined,
    readonly metadata: Metadata,
  ) {
    this.#abort = abort;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** The context's abort (for {@link lazyAbortOf}). */
  [HANDED_ABORT](): LazyAbort {
    return this.#abort;
  }
}
