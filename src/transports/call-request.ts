import type { CallOptions, CallRequest } from "./call.js";
import { NEVER_ABORTED, requestAbort, WatchedRequest } from "./call-scope.js";
import type { MethodDefinition, ServiceDefinition } from "./definition.js";
import { lazyAbortOf } from "./lazy-abort.js";

/**
 * A call's request from a client's options. When the options are a served
 * call's context, it is a {@link WatchedRequest}: its `signal` is made from the
 * handler's LazyAbort only if something reads it (a retry's sleep, a transport
 * without {@link requestAbort}); a spread reads it, so a copy stays correct.
 */
export function clientRequest(service: ServiceDefinition, method: MethodDefinition, path: string, message: unknown, options: CallOptions): CallRequest {
  const metadata = options.metadata ?? {};
  const abort = lazyAbortOf(options);
  if (abort === undefined) return { service, method, path, message, signal: options.signal ?? NEVER_ABORTED, deadline: options.deadline, metadata };
  return new WatchedRequest(service, method, path, message, options.deadline, metadata, abort);
}

/**
 * `request` with another deadline (itself when the deadline is the same: a
 * retry without an attempt timeout asks that on every attempt); a request
 * watched through a LazyAbort keeps it (a plain spread would not).
 */
export function withDeadline(request: CallRequest, deadline: number | undefined): CallRequest {
  if (deadline === request.deadline) return request;
  const abort = requestAbort(request);
  if (abort === undefined) return { ...request, deadline };
  return new WatchedRequest(request.service, request.method, request.path, request.message, deadline, request.metadata, abort);
}

