import type { CallOptions, CallRequest } from "./call.js";
import { linkRequestAbort, NEVER_ABORTED, requestAbort, type AbortSource } from "./call-scope.js";
import type { MethodDefinition, ServiceDefinition } from "./definition.js";
import { lazyAbortOf } from "./lazy-abort.js";

/**
 * A call's request from a client's options. When the options are a served
 * call's context, `signal` is a getter that makes the handler's AbortSignal
 * only if something reads it (a retry's sleep, a transport without
 * {@link requestAbort}); a spread reads it, so a copy stays correct.
 */
export function clientRequest(service: ServiceDefinition, method: MethodDefinition, path: string, message: unknown, options: CallOptions): CallRequest {
  const metadata = options.metadata ?? {};
  const abort = lazyAbortOf(options);
  if (abort === undefined) return { service, method, path, message, signal: options.signal ?? NEVER_ABORTED, deadline: options.deadline, metadata };
  return watchedRequest(service, method, path, message, options.deadline, metadata, abort);
}

/** `request` with another deadline; a request watched through a LazyAbort keeps it (a plain spread would not). */
export function withDeadline(request: CallRequest, deadline: number | undefined): CallRequest {
  const abort = requestAbort(request);
  if (abort === undefined) return { ...request, deadline };
  return watchedRequest(request.service, request.method, request.path, request.message, deadline, request.metadata, abort);
}

/** A request watched through `abort`, its `signal` made from it only when read (fields as arguments: no object but the request per call). */
function watchedRequest(
  service: ServiceDefinition,
  method: MethodDefinition,
  path: string,
  message: unknown,
  deadline: number | undefined,
  metadata: CallRequest["metadata"],
  abort: AbortSource,
): CallRequest {
  return linkRequestAbort({ service, method, path, message, get signal() { return abort.signal; }, deadline, metadata }, abort);
}
