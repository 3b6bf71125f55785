import type { CallResponse } from "../call.js";

/** How a call or its response stream ended, as {@link watchStream} and {@link observeCall} report it. */
export type StreamEnd =
  | { readonly kind: "done" }
  | { readonly kind: "error"; readonly error: unknown }
  /** The consumer stopped early (`break`, `return()`) or the call's signal aborted. */
  | { readonly kind: "cancelled" };

/**
 * Passes `messages` through and calls `onEnd` exactly once: when the stream
 * finishes, fails, is closed early by its consumer, or `signal` aborts
 * (whichever comes first). A stream nobody ever iterates and whose signal never
 * aborts never ends; `createClient` starts a stream call only when iteration starts.
 */
export function watchStream(messages: AsyncIterable<unknown>, signal: AbortSignal, onEnd: (end: StreamEnd) => void): AsyncIterable<unknown> {
  let ended = false;
  const end = (how: StreamEnd) => {
    if (ended) return;
    ended = true;
    signal.removeEventListener("abort", onAbort);
    onEnd(how);
  };
  const onAbort = () => end({ kind: "cancelled" });
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return {
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      const inner = messages[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            const result = await inner.next();
            if (result.done) end({ kind: "done" });
            return result;
          } catch (error) {
            end({ kind: "error", error });
            throw error;
          }
        },
        async return(value?: unknown) {
          end({ kind: "cancelled" });
          return (await inner.return?.(value)) ?? { done: true, value };
        },
      };
    },
  };
}

/**
 * Runs `start` (synchronously, so nothing happens between a pick and its
 * dispatch) and calls `onEnd` exactly once when the call is over: a unary call
 * when it settles, a stream when {@link watchStream} says it ended. A failure
 * after the caller's signal aborted reads as `cancelled`.
 */
export async function observeCall(
  start: () => Promise<CallResponse>,
  signal: AbortSignal,
  onEnd: (end: StreamEnd) => void,
): Promise<CallResponse> {
  let response: CallResponse;
  try {
    response = await start();
  } catch (error) {
    onEnd(signal.aborted ? { kind: "cancelled" } : { kind: "error", error });
    throw error;
  }
  if (!response.stream) {
    onEnd({ kind: "done" });
    return response;
  }
  return { stream: true, messages: watchStream(response.messages, signal, onEnd) };
}
