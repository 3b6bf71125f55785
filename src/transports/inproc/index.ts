import type { Clock } from "../../core/clock.js";
import type { CallRequest, CallResponse, Transport } from "../call.js";
import { watchCall } from "../call-scope.js";
import { LazyAbort, lazyContext } from "../lazy-abort.js";
import type { MessageType } from "../definition.js";
import { unknownMethodError, type Router } from "../router.js";
import { Code } from "../codes.js";
import { decodeMessage, encodeMessage } from "../message-bytes.js";
import { errorForCaller, RpcError } from "../rpc-error.js";
import { systemClock } from "../system-clock.js";

/** Options of {@link createInProcessTransport}. */
export interface InProcessOptions {
  /**
   * Encode and decode every message on the way in and out, as a wire would, so
   * serialization bugs and shared mutable objects show up here too. Default: true.
   */
  readonly codec?: boolean;
  /** Times deadlines. Default: the system clock. */
  readonly clock?: Clock;
  /** Sees every error a handler threw that was not an RpcError (the caller gets UNKNOWN). */
  readonly onUnexpectedError?: (error: unknown, path: string) => void;
}

/** A transport that calls the router's handlers directly, in this process. */
export function createInProcessTransport(router: Router, options: InProcessOptions = {}): Transport {
  const codec = options.codec ?? true;
  const clock = options.clock ?? systemClock;
  const copy = <T>(type: MessageType<T>, message: T): T => (codec ? decodeMessage(type, encodeMessage(type, message)) : message);
  const fail = (error: unknown, path: string) => errorForCaller(error, (e) => options.onUnexpectedError?.(e, path));

  return {
    async call(request: CallRequest): Promise<CallResponse> {
      const handler = router.lookup(request.path);
      if (!handler) throw unknownMethodError(request.path);
      let message: unknown;
      try {
        message = copy(handler.method.requestType, request.message);
      } catch {
        throw new RpcError(Code.INTERNAL, "error deserializing request");
      }
      // The handler's AbortController is made only if it reads its signal.
      const abort = new LazyAbort();
      const stopWatching = watchCall(clock, request, (error) => abort.abort(error));
      const context = lazyContext(request.path, abort, request.deadline, request.metadata);

      if (handler.kind === "unary") {
        try {
          const result = await abort.race(handler.invoke(message, context));
          return { stream: false, message: copy(handler.method.responseType, result) };
        } catch (error) {
          throw fail(error, request.path);
        } finally {
          stopWatching();
        }
      }

      let source: AsyncIterator<unknown>;
      try {
        source = handler.invoke(message, context)[Symbol.asyncIterator]();
      } catch (error) {
        stopWatching();
        throw fail(error, request.path);
      }
      async function* messages(): AsyncGenerator<unknown> {
        try {
          while (true) {
            const item = await abort.race(source.next());
            if (item.done) return;
            yield copy(handler!.method.responseType, item.value);
          }
        } catch (error) {
          throw fail(error, request.path);
        } finally {
          stopWatching();
          // The consumer stopped early, failed or was cancelled: stop the handler too.
          void source.return?.()?.catch(() => {});
        }
      }
      return { stream: true, messages: messages() };
    },
  };
}
