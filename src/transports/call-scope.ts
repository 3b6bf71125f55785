import type { Clock } from "../core/clock.js";
import { Code } from "./codes.js";
import { RpcError } from "./rpc-error.js";

/** The server side of one call: a signal that aborts on cancel or deadline, and its cleanup. */
export interface CallScope {
  /** Aborts with an RpcError (CANCELLED or DEADLINE_EXCEEDED) as its reason. */
  readonly signal: AbortSignal;
  /** Removes the timer and the listener; call it in `finally`. */
  close(): void;
}

/** Opens a scope tied to the caller's signal and deadline, timed on `clock`. */
export function openCallScope(clock: Clock, caller: { signal: AbortSignal; deadline: number | undefined }): CallScope {
  const controller = new AbortController();
  // A caller whose own deadline passed says so (as a wire's deadline would); any other abort is a cancel.
  const onCancel = () => {
    const reason: unknown = caller.signal.reason;
    const expired = reason instanceof RpcError && reason.code === Code.DEADLINE_EXCEEDED;
    controller.abort(expired ? reason : new RpcError(Code.CANCELLED, "call cancelled by the caller"));
  };
  let cancelTimer = () => {};
  if (caller.signal.aborted) onCancel();
  else caller.signal.addEventListener("abort", onCancel, { once: true });
  if (caller.deadline !== undefined && !controller.signal.aborted) {
    const expire = () => controller.abort(new RpcError(Code.DEADLINE_EXCEEDED, "deadline exceeded"));
    const left = caller.deadline - clock.now();
    if (left <= 0) expire();
    else cancelTimer = clock.setTimer(left, expire);
  }
  return {
    signal: controller.signal,
    close() {
      cancelTimer();
      caller.signal.removeEventListener("abort", onCancel);
    },
  };
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
