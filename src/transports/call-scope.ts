import { setMaxListeners } from "node:events";
import type { Clock } from "../core/clock.js";
import type { CallRequest } from "./call.js";
import { Code } from "./codes.js";
import { RpcError } from "./rpc-error.js";

/** What ends a call besides its answer: the caller's signal (if any) and its deadline. */
export interface CallEnds {
  readonly signal?: AbortSignal | undefined;
  readonly deadline: number | undefined;
}

/**
 * The signal of a call made without one: it never aborts, so watching it is
 * skipped (a listener on a signal shared by every call in flight costs time
 * that grows with their number: EventTarget scans its list on each add).
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
// Nothing should listen, but a caller who does must not see a leak warning.
setMaxListeners(0, NEVER_ABORTED);

/**
 * What a downstream call watches instead of its request's signal when its
 * caller handed on a served call's context (a LazyAbort): listening to it
 * makes no AbortSignal, which costs ~5 µs in Node 20.
 */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  readonly signal: AbortSignal;
  listen(listener: AbortListener): void;
  unlisten(listener: AbortListener): void;
}

/** Told once when an abort source aborts (the shape of an "abort" listener object on a signal). */
export interface AbortListener {
  handleEvent(): void;
}

/**
 * A request built from a served context: its abort source (the handler's
 * LazyAbort) is watched instead of its `signal`, which is made from the source
 * only if something reads it. `signal` is an own enumerable accessor (one
 * getter shared by every instance), so a spread reads it and the copy holds a
 * real signal; the copy is not a WatchedRequest, so it is watched through that
 * signal, and a hedged copy with a signal of its own stays correct. (A getter
 * written in an object literal is a new closure per request, and a WeakMap
 * beside the request a table entry: ~1 µs per request together, this ~0.2.)
 */
export class WatchedRequest implements CallRequest {
  declare readonly signal: AbortSignal;
  readonly #abort: AbortSource;

  static readonly #SIGNAL: PropertyDescriptor = {
    get(this: WatchedRequest): AbortSignal {
      return this.#abort.signal;
    },
    enumerable: true,
    configurable: true,
  };

  constructor(
    readonly service: CallRequest["service"],
    readonly method: CallRequest["method"],
    readonly path: string,
    readonly message: unknown,
    readonly deadline: number | undefined,
    readonly metadata: CallRequest["metadata"],
    abort: AbortSource,
  ) {
    this.#abort = abort;
    Object.defineProperty(this, "signal", WatchedRequest.#SIGNAL);
  }

  /** The abort source of `request` if it is a WatchedRequest (a copy of one is not); ask through {@link requestAbort}. */
  static abortOf(request: CallEnds): AbortSource | undefined {
    return #abort in request ? request.#abort : undefined;
  }
}

/** The abort source to watch instead of `request.signal`, if the request has one. */
export function requestAbort(request: CallEnds): AbortSource | undefined {
  return WatchedRequest.abortOf(request);
}

/** The error of a call whose deadline passed. */
export function deadlineExceeded(): RpcError {
  return new RpcError(Code.DEADLINE_EXCEEDED, "deadline exceeded");
}

/**
 * Calls `onExpire` with DEADLINE_EXCEEDED when `deadline` passes on `clock`:
 * at once if it has passed already, else from a timer. Returns the function
 * that cancels the timer.
 */
export function atDeadline(clock: Clock, deadline: number, onExpire: (error: RpcError) => void): () => void {
  const left = deadline - clock.now();
  if (left > 0) return clock.setTimer(left, () => onExpire(deadlineExceeded()));
  onExpire(deadlineExceeded());
  return () => {};
}

/** A client gone this close to its deadline (or after it) was timed out: its timer fires just before the server's. */
const DEADLINE_SLACK_MS = 50;

/**
 * Why a served call ended when its client went away (a wire's cancel or a
 * closed connection): DEADLINE_EXCEEDED at or near the deadline, else CANCELLED
 * with `message`.
 */
export function clientGoneReason(clock: Clock, deadline: number | undefined, message: string): RpcError {
  const expired = deadline !== undefined && clock.now() >= deadline - DEADLINE_SLACK_MS;
  return expired ? deadlineExceeded() : new RpcError(Code.CANCELLED, message);
}

/** What an aborted caller signal (or abort source) means for its call: the caller's own DEADLINE_EXCEEDED as is, anything else CANCELLED. */
export function callerAbortReason(signal: { readonly reason: unknown }): RpcError {
  const reason: unknown = signal.reason;
  return reason instanceof RpcError && reason.code === Code.DEADLINE_EXCEEDED ? reason : new RpcError(Code.CANCELLED, "call cancelled by the caller");
}

/**
 * The scope's rules without a signal of its own (an AbortController costs
 * microseconds, and a simulated call has several): calls `onAbort` once, with
 * the caller's reason when its own deadline passed (as a wire's deadline
 * would say), CANCELLED for any other abort of its signal, or
 * DEADLINE_EXCEEDED when `deadline` passes on `clock`. Returns the function
 * that stops watching (the timer and the listener); call it in `finally`.
 */
export function watchCall(clock: Clock, caller: CallEnds, onAbort: (error: RpcError) => void): () => void {
  if (caller.deadline === undefined && requestAbort(caller) === undefined && (caller.signal === undefined || caller.signal === NEVER_ABORTED)) return STOP_NOTHING;
  const watch = new CallWatch(clock, caller, onAbort);
  return () => watch.stop();
}

const STOP_NOTHING = (): void => {};

/**
 * {@link watchCall}'s state, a class with methods rather than closures: it runs
 * on every call, and under tsx each named closure costs a defineProperty (of
 * its name) every time it is made. It listens as an EventListener object. A
 * call object that keeps its own state holds one directly and calls stop().
 */
export class CallWatch {
  /** What it listens to: the caller's abort source, else its signal (none if it never aborts). */
  readonly #source: AbortSource | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: (error: RpcError) => void;
  #ended = false;
  #cancelTimer: (() => void) | undefined;

  constructor(clock: Clock, caller: CallEnds, onAbort: (error: RpcError) => void) {
    this.#onAbort = onAbort;
    const source = requestAbort(caller);
    if (source !== undefined) {
      if (source.aborted) {
        this.#end(callerAbortReason(source));
        return;
      }
      this.#source = source;
      source.listen(this);
    } else {
      const { signal } = caller;
      if (signal?.aborted) {
        this.#end(callerAbortReason(signal));
        return;
      }
      if (signal !== undefined && signal !== NEVER_ABORTED) {
        this.#signal = signal;
        signal.addEventListener("abort", this, { once: true });
      }
    }
    if (caller.deadline !== undefined) this.#cancelTimer = atDeadline(clock, caller.deadline, (error) => this.#end(error));
  }

  /** The caller's signal (or abort source) aborted. */
  handleEvent(): void {
    this.#end(callerAbortReason((this.#source ?? this.#signal)!));
  }

  /** Removes the timer and the listener. */
  stop(): void {
    this.#cancelTimer?.();
    this.#source?.unlisten(this);
    this.#signal?.removeEventListener("abort", this);
  }

  #end(error: RpcError): void {
    if (this.#ended) return;
    this.#ended = true;
    // Once ended there is nothing left to watch (this also covers a deadline already past when it started).
    this.stop();
    this.#onAbort(error);
  }
}
