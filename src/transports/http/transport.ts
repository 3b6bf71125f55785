import type { Clock } from "../../core/clock.js";
import type { CallRequest, CallResponse, Transport } from "../call.js";
import { openCallScope, raceAbort, type CallScope } from "../call-scope.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";
import { systemClock } from "../system-clock.js";
import { splitLines } from "./ndjson.js";
import { errorFromAnswer, isErrorBody } from "./status.js";
import { DEADLINE_HEADER, JSON_TYPE, metadataToHeaders, NDJSON_TYPE, parseContentType } from "./wire.js";

/** Options of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** Where the server is, e.g. `http://127.0.0.1:8080` (a path prefix is kept). */
  readonly baseUrl: string;
  /** Times deadlines (the header says how many ms are left on it). Default: the system clock. */
  readonly clock?: Clock;
  /** Headers sent with every call, e.g. `authorization`. Default: none. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A client transport over HTTP, and its cleanup. */
export interface HttpTransport extends Transport {
  /** Cancels calls in flight (they fail UNAVAILABLE) and refuses new ones. */
  close(): Promise<void>;
}

/**
 * A transport that POSTs each call as canonical proto3 JSON with Node's global
 * `fetch` (undici, keep-alive). The deadline travels as `x-deadline-ms` and
 * also aborts the request when it passes (DEADLINE_EXCEEDED); the caller's
 * signal aborts it (CANCELLED); error bodies become RpcErrors; a stream is read
 * line by line as it arrives, and cancelled when the consumer stops early.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const base = options.baseUrl.replace(/\/+$/, "");
  const clock = options.clock ?? systemClock;
  const inFlight = new Set<AbortController>();
  let closed = false;

  async function call(request: CallRequest): Promise<CallResponse> {
    if (closed) throw new RpcError(Code.UNAVAILABLE, "the http transport is closed");
    const headers: Record<string, string> = {
      ...options.headers,
      ...metadataToHeaders(request.metadata),
      "content-type": JSON_TYPE,
      accept: request.method.responseStream ? NDJSON_TYPE : JSON_TYPE,
    };
    let body: string;
    try {
      body = JSON.stringify(request.method.requestType.toJSON(request.message as never));
    } catch (error) {
      throw new RpcError(Code.INTERNAL, "error serializing request", { cause: error });
    }
    // Aborts with CANCELLED when the caller does, with DEADLINE_EXCEEDED at the deadline.
    const scope = openCallScope(clock, request);
    if (scope.signal.aborted) {
      scope.close();
      throw scope.signal.reason;
    }
    if (request.deadline !== undefined) headers[DEADLINE_HEADER] = String(Math.max(1, Math.ceil(request.deadline - clock.now())));
    const wire = new AbortController();
    const call = new WireCall(scope, wire, () => inFlight.delete(wire));
    inFlight.add(wire);
    try {
      const response = await raceAbort(fetch(base + request.path, { method: "POST", headers, body, signal: wire.signal }), scope.signal);
      if (!response.ok) throw errorFromAnswer(response.status, parseOrUndefined(await raceAbort(response.text(), scope.signal)));
      const type = parseContentType(response.headers.get("content-type") ?? undefined).type;
      if (!request.method.responseStream) {
        if (type !== JSON_TYPE) throw new RpcError(Code.UNKNOWN, `expected ${JSON_TYPE}, got ${type || "no content-type"}`);
        const text = await raceAbort(response.text(), scope.signal);
        call.end(true);
        return { stream: false, message: decode(request, text) };
      }
      if (type !== NDJSON_TYPE || !response.body) throw new RpcError(Code.UNKNOWN, `expected ${NDJSON_TYPE}, got ${type || "no content-type"}`);
      return { stream: true, messages: readStream(request, response.body, call) };
    } catch (error) {
      const failure = call.failure(error);
      call.end(false);
      throw failure;
    }
  }

  return {
    call,
    async close() {
      closed = true;
      for (const wire of inFlight) wire.abort(new RpcError(Code.UNAVAILABLE, "the http transport is closed"));
      inFlight.clear();
    },
  };
}

/** One request on the wire: its scope, and the controller that cuts it off. */
class WireCall {
  #ended = false;
  constructor(
    readonly scope: CallScope,
    readonly wire: AbortController,
    private readonly onEnd: () => void,
  ) {
    // Deadline or cancel: stop the request now (the server sees the disconnect and stops the handler).
    scope.signal.addEventListener("abort", () => wire.abort(scope.signal.reason), { once: true });
  }

  /** What a failure means to the caller: the scope's reason if it aborted, else the error as an RpcError. */
  failure(error: unknown): RpcError {
    if (this.scope.signal.aborted) return this.scope.signal.reason as RpcError;
    if (error instanceof RpcError) return error;
    if (this.wire.signal.aborted && this.wire.signal.reason instanceof RpcError) return this.wire.signal.reason;
    return new RpcError(Code.UNAVAILABLE, `http transport: ${describe(error)}`, { cause: error });
  }

  /** Releases the scope; a request that did not run to its end is cut off. */
  end(completed: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    this.scope.close();
    if (!completed) this.wire.abort(new RpcError(Code.CANCELLED, "call ended before its answer"));
    this.onEnd();
  }
}

/** The messages of an NDJSON answer, decoded as they arrive; a `{"error": ...}` line fails the stream. */
async function* readStream(request: CallRequest, body: ReadableStream<Uint8Array>, call: WireCall): AsyncGenerator<unknown> {
  let completed = false;
  try {
    const chunks = abortable(body, call.scope.signal);
    for await (const line of splitLines(chunks)) {
      const value = parseOrUndefined(line);
      if (value === undefined) throw new RpcError(Code.INTERNAL, "error deserializing response: a stream line is not JSON");
      const error = (value as { error?: unknown }).error;
      if (isErrorBody(error) && Object.keys(value as object).length === 1) throw errorFromAnswer(200, error);
      yield decode(request, line, value);
    }
    completed = true;
  } catch (error) {
    throw call.failure(error);
  } finally {
    call.end(completed);
  }
}

/** The body's chunks, each read raced against `signal` (so a deadline fails a quiet stream on time). */
async function* abortable(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await raceAbort(reader.read(), signal);
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function decode(request: CallRequest, text: string, parsed?: unknown): unknown {
  try {
    return request.method.responseType.fromJSON(parsed ?? JSON.parse(text));
  } catch (error) {
    throw new RpcError(Code.INTERNAL, "error deserializing response", { cause: error });
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `fetch failed` says little; its cause says what (ECONNREFUSED, other side closed...). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  return cause ? `${error.message}: ${cause.message}` : error.message;
}
