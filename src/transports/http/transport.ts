import { Agent } from "undici";
import type { Clock } from "../../core/clock.js";
import type { CallRequest, CallResponse, Transport } from "../call.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";
import { systemClock } from "../system-clock.js";
import { DEADLINE_HEADER, JSON_TYPE, metadataToHeaders, NDJSON_TYPE } from "./wire.js";
import { WireCall } from "./wire-call.js";

/** Options of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** Where the server is, e.g. `http://127.0.0.1:8080` (a path prefix is kept). */
  readonly baseUrl: string;
  /** Times deadlines (the header says how many ms are left on it). Default: the system clock. */
  readonly clock?: Clock;
  /** Headers sent with every call, e.g. `authorization`. Default: none. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Keep-alive connections opened to the server at most; further calls queue for a free one. Default: 128. */
  readonly maxConnections?: number;
}

/** A client transport over HTTP, and its cleanup. */
export interface HttpTransport extends Transport {
  /** Cancels calls in flight (they fail UNAVAILABLE) and refuses new ones. */
  close(): Promise<void>;
}

/**
 * A transport that POSTs each call as canonical proto3 JSON with an undici
 * Agent of its own (keep-alive, at most `maxConnections` sockets), through
 * undici's dispatch API: a {@link WireCall} gets the answer's chunks straight
 * from the connection, without the Readable body of `request` or the WHATWG
 * objects of `fetch`. The deadline travels as `x-deadline-ms` and also aborts
 * the request when it passes (DEADLINE_EXCEEDED); the caller's signal aborts
 * it (CANCELLED); error bodies become RpcErrors; a stream is decoded line by
 * line as it arrives, and cut off when the consumer stops early.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const base = new URL(options.baseUrl);
  const origin = base.origin;
  const prefix = base.pathname.replace(/\/+$/, "");
  const clock = options.clock ?? systemClock;
  const agent = new Agent({ connections: options.maxConnections ?? 128, pipelining: 1 });
  // The headers of a call without metadata or deadline, built once (undici only reads them).
  const unaryHeaders = { ...options.headers, "content-type": JSON_TYPE, accept: JSON_TYPE };
  const streamHeaders = { ...options.headers, "content-type": JSON_TYPE, accept: NDJSON_TYPE };
  let closed = false;

  function headersOf(request: CallRequest): Record<string, string> {
    const fixed = request.method.responseStream ? streamHeaders : unaryHeaders;
    if (request.deadline === undefined && isEmpty(request.metadata)) return fixed;
    // Metadata over the transport's own headers, content-type and accept over both.
    const headers: Record<string, string> = { ...options.headers, ...metadataToHeaders(request.metadata), "content-type": JSON_TYPE, accept: fixed.accept };
    if (request.deadline !== undefined) headers[DEADLINE_HEADER] = String(Math.max(1, Math.ceil(request.deadline - clock.now())));
    return headers;
  }

  function call(request: CallRequest): Promise<CallResponse> {
    try {
      if (closed) throw new RpcError(Code.UNAVAILABLE, "the http transport is closed");
      const headers = headersOf(request);
      let body: string;
      try {
        body = JSON.stringify(request.method.requestType.toJSON(request.message as never));
      } catch (error) {
        throw new RpcError(Code.INTERNAL, "error serializing request", { cause: error });
      }
      const wire = new WireCall(request, clock);
      if (!wire.done) agent.dispatch({ origin, path: prefix + request.path, method: "POST", headers, body }, wire);
      return wire.response;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  return {
    call,
    async close() {
      closed = true;
      // Calls in flight fail with this error. Not awaited: they settle first, so their callers see UNAVAILABLE before anything else happens.
      void agent.destroy(new RpcError(Code.UNAVAILABLE, "the http transport is closed")).catch(() => {});
    },
  };
}

function isEmpty(record: Readonly<Record<string, string>>): boolean {
  for (const _ in record) return false;
  return true;
}
