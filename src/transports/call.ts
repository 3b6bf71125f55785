import type { MethodDefinition, ServiceDefinition } from "./definition.js";

/** Request headers: lower-case names to string values. */
export type Metadata = Readonly<Record<string, string>>;

/** Options a caller gives one call. */
export interface CallOptions {
  /** Aborting cancels the call (CANCELLED). */
  readonly signal?: AbortSignal | undefined;
  /** Absolute deadline in the caller's clock ms; the call fails with DEADLINE_EXCEEDED past it. */
  readonly deadline?: number | undefined;
  /** Headers sent with the call. */
  readonly metadata?: Metadata | undefined;
}

/**
 * What a handler sees of its call. It is also a valid {@link CallOptions}, so a
 * handler that passes its context to a downstream call hands on its deadline,
 * cancellation and metadata.
 */
export interface CallContext {
  readonly path: string;
  /** Aborted when the caller cancels, disconnects or the deadline passes. */
  readonly signal: AbortSignal;
  /** Absolute deadline in this server's clock ms, if the caller set one. */
  readonly deadline: number | undefined;
  readonly metadata: Metadata;
}

/** One call as it travels through interceptors to a transport. */
export interface CallRequest {
  readonly service: ServiceDefinition;
  readonly method: MethodDefinition;
  /** `/package.Service/Method`. */
  readonly path: string;
  /** The request message (a full message, not a partial). */
  readonly message: unknown;
  readonly signal: AbortSignal;
  readonly deadline: number | undefined;
  readonly metadata: Metadata;
}

/** The answer to a call: one message, or a stream of them. */
export type CallResponse =
  | { readonly stream: false; readonly message: unknown }
  | { readonly stream: true; readonly messages: AsyncIterable<unknown> };

/** Sends a call on and resolves with its answer. */
export type Next = (request: CallRequest) => Promise<CallResponse>;

/** Middleware, the same shape on every transport: it wraps the next step of the chain. */
export type Interceptor = (next: Next) => Next;

/** A client transport: gets a call to its server and brings the answer back. */
export interface Transport {
  readonly call: Next;
}

/** Wraps `next` with interceptors; the first one listed runs first. */
export function applyInterceptors(next: Next, interceptors: readonly Interceptor[] = []): Next {
  return interceptors.reduceRight((inner, interceptor) => interceptor(inner), next);
}
