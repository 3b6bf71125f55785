import type { Readable } from "node:stream";
import { Agent, type Dispatcher } from "undici";
import type { Clock } from "../../core/clock.js";
import type { CallRequest, CallResponse, Transport } from "../call.js";
import { callerAbortReason, openCallScope, raceAbort, type CallScope } from "../call-scope.js";
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
 * Agent of its own (keep-alive, at most `maxConnections` sockets; undici's
 * `request`, not `fetch`, whose WHATWG Request/Response/stream objects cost
 * several times the call itself on loopback). The deadline travels as `x-deadline-ms` and
 * also aborts the request when it passes (DEADLINE_EXCEEDED); the caller's
 * signal aborts it (CANCELLED); error bodies become RpcErrors; a stream is read
 * line by line as it arrives, and cancelled when the consumer stops early.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const base = new URL(options.baseUrl);
  const origin = base.origin;
  const prefix = base.pathname.replace(/\/+$/, "");
  const clock = options.clock ?? systemClock;
  const agent = new Agent({ connections: options.maxConnections ?? 128, pipelining: 1 });
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
    const call = new WireCall(clock, request);
    if (call.signal?.aborted) {
      const failure = call.failure(undefined);
      call.end(true);
      throw failure;
    }
    if (request.deadline !== undefined) headers[DEADLINE_HEADER] = String(Math.max(1, Math.ceil(request.deadline - clock.now())));
    try {
      const response = await agent.request({ origin, path: prefix + request.path, method: "POST", headers, body, signal: call.signal });
      call.body = response.body;
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      if (!ok) throw errorFromAnswer(response.statusCode, parseOrUndefined(await response.body.text()));
      const type = parseContentType(headerOf(response.headers, "content-type")).type;
      if (!request.method.responseStream) {
        if (type !== JSON_TYPE) throw new RpcError(Code.UNKNOWN, `expected ${JSON_TYPE}, got ${type || "no content-type"}`);
        const text = await response.body.text();
        call.end(true);
        return { stream: false, message: decode(request, text) };
      }
      if (type !== NDJSON_TYPE) throw new RpcError(Code.UNKNOWN, `expected ${NDJSON_TYPE}, got ${type || "no content-type"}`);
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
      // Calls in flight fail with this error. Not awaited: they settle first, so their callers see UNAVAILABLE before anything else happens.
      void agent.destroy(new RpcError(Code.UNAVAILABLE, "the http transport is closed")).catch(() => {});
    },
  };
}

/**
 * One request on the wire: the signal undici obeys (request and body, so no
 * controller of our own per call is needed for that), and its answer's body
 * once it arrived. With a deadline, the signal is a scope's, aborted at the
 * deadline too; without one, it is the caller's own signal (an
 * AbortController per call costs microseconds on loopback), whose reason
 * {@link WireCall.failure} maps as the scope would.
 */
class WireCall {
  #ended = false;
  readonly #scope: CallScope | undefined;
  #cancelled: RpcError | undefined;
  /** What aborts the request: the scope's signal, or the caller's (undefined: nothing can). */
  readonly signal: AbortSignal | undefined;
  /** The answer's body once headers arrived: dropped when the call ends before reading it all. */
  body: Dispatcher.ResponseData["body"] | undefined;

  constructor(clock: Clock, request: CallRequest) {
    this.#scope = request.deadline === undefined ? undefined : openCallScope(clock, request);
    this.signal = this.#scope?.signal ?? request.signal;
  }

  /** What a failure means to the caller: the abort's reason if the signal aborted, else the error as an RpcError. */
  failure(error: unknown): RpcError {
    if (this.signal?.aborted) return this.#scope ? (this.signal.reason as RpcError) : this.#callerReason();
    if (error instanceof RpcError) return error;
    return new RpcError(Code.UNAVAILABLE, `http transport: ${describe(error)}`, { cause: error });
  }

  /** The caller's abort as a scope reports it: its DEADLINE_EXCEEDED as is, anything else CANCELLED. */
  #callerReason(): RpcError {
    return (this.#cancelled ??= callerAbortReason(this.signal!));
  }

  /** Releases the scope; a request that did not run to its end is cut off. */
  end(completed: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#scope?.close();
    // Stopped before the end of the answer: cut the request off (an unread body would hold its keep-alive socket).
    if (!completed) this.body?.on("error", () => {}).destroy();
  }
}

/** The messages of an NDJSON answer, decoded as they arrive; a `{"error": ...}` line fails the stream. */
async function* readStream(request: CallRequest, body: Readable, call: WireCall): AsyncGenerator<unknown> {
  let completed = false;
  try {
    const chunks = call.signal ? abortable(body, call.signal) : body;
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
async function* abortable(body: Readable, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  try {
    while (true) {
      const { done, value } = await raceAbort(chunks.next(), signal);
      if (done) return;
      yield value;
    }
  } finally {
    void chunks.return?.()?.catch(() => {});
  }
}

/** One header of an undici answer (the first, if repeated). */
function headerOf(headers: Dispatcher.ResponseData["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
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

/** An error with a cause (`fetch failed`, a wrapped socket error) says what in its cause (ECONNREFUSED, other side closed...). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  return cause ? `${error.message}: ${cause.message}` : error.message;
}
