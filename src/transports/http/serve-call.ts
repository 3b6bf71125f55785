import type { ServerResponse } from "node:http";
import type { Clock } from "../../core/clock.js";
import type { Metadata } from "../call.js";
import { Code } from "../codes.js";
import type { Handler } from "../router.js";
import { errorForCaller, RpcError } from "../rpc-error.js";
import { HttpFailure } from "./http-failure.js";
import { LazyAbort, lazyContext } from "../lazy-abort.js";
import { errorBody, HTTP_STATUS_OF_CODE } from "./status.js";
import { JSON_TYPE, NDJSON_TYPE, SSE_TYPE } from "./wire.js";

/** How a streamed answer is framed: NDJSON lines, or Server-Sent Events. */
export type StreamFraming = "ndjson" | "sse";

/** One call to serve, decoded and routed. */
export interface ServedCall {
  readonly handler: Handler;
  /** The decoded request message. */
  readonly message: unknown;
  readonly res: ServerResponse;
  readonly clock: Clock;
  /** Absolute deadline on `clock`, if the caller sent one. */
  readonly deadline: number | undefined;
  readonly metadata: Metadata;
  /**
   * The request's abort: aborted when the client goes away (CANCELLED, or DEADLINE_EXCEEDED near the
   * deadline); the call aborts it at the deadline too. It makes no AbortController unless the handler
   * reads its signal.
   */
  readonly disconnect: LazyAbort;
  /** The JSON value answered for one response message. */
  readonly toJson: (message: unknown) => unknown;
  /** Status of a unary success. */
  readonly status: number;
  readonly framing: StreamFraming;
  readonly onUnexpectedError: (error: unknown) => void;
}

/**
 * Runs the handler under a scope that aborts on disconnect and at the deadline,
 * and answers: a unary result as JSON; a stream as NDJSON (or SSE) lines,
 * waiting for 'drain' when the socket is full, an error after the first
 * message as a last line `{"error": {...}}`; an error before it as a status.
 */
export async function serveCall(call: ServedCall): Promise<void> {
  const { handler, res, disconnect } = call;
  if (call.deadline !== undefined) disconnect.expireAt(call.clock, call.deadline);
  const context = lazyContext(handler.path, disconnect, call.deadline, call.metadata);
  let source: AsyncIterator<unknown> | undefined;
  let finished = false;
  try {
    if (handler.kind === "unary") {
      const result = await disconnect.race(handler.invoke(call.message, context));
      const body = serialize(call, result);
      if (res.destroyed) return;
      res.writeHead(call.status, { "content-type": JSON_CONTENT_TYPE, "content-length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    source = handler.invoke(call.message, context)[Symbol.asyncIterator]();
    // The first message decides the status: an error before it is answered like a unary error.
    let item = await disconnect.race(source.next());
    res.writeHead(200, call.framing === "sse" ? SSE_HEADERS : NDJSON_HEADERS);
    while (!item.done) {
      if (!write(res, frame(call.framing, "message", serialize(call, item.value)))) await disconnect.race(drained(res));
      item = await disconnect.race(source.next());
    }
    finished = true;
    res.end(call.framing === "sse" ? frame("sse", "end", "{}") : undefined);
  } catch (error) {
    if (!res.headersSent) return sendError(res, error, call.onUnexpectedError);
    if (res.destroyed || res.writableEnded) return;
    // A client that stopped reading cannot take even the error line: let it go.
    if (res.writableNeedDrain) return void res.destroy();
    const rpc = errorForCaller(error, call.onUnexpectedError);
    res.end(frame(call.framing, "error", JSON.stringify(call.framing === "sse" ? errorBody(rpc) : { error: errorBody(rpc) })));
  } finally {
    disconnect.close();
    // Stopped early (disconnect, deadline, failure): stop the handler too; a pending next() settles first.
    if (!finished) void source?.return?.()?.catch(() => {});
  }
}

const JSON_CONTENT_TYPE = `${JSON_TYPE}; charset=utf-8`;
/** The headers of a streamed answer, built once (node:http only reads them). */
const NDJSON_HEADERS = { "content-type": `${NDJSON_TYPE}; charset=utf-8`, "cache-control": "no-store", "x-content-type-options": "nosniff" };
const SSE_HEADERS = { ...NDJSON_HEADERS, "content-type": `${SSE_TYPE}; charset=utf-8` };

/** Answers an error as its status and JSON body, unless the client is gone or an answer has started. */
export function sendError(res: ServerResponse, error: unknown, onUnexpectedError: (error: unknown) => void): void {
  if (res.headersSent || res.destroyed) return;
  const failure = error instanceof HttpFailure ? error : undefined;
  const rpc = failure ?? errorForCaller(error, onUnexpectedError);
  const body = JSON.stringify(errorBody(rpc));
  res.writeHead(failure?.status ?? HTTP_STATUS_OF_CODE[rpc.code], {
    ...failure?.headers,
    "content-type": `${JSON_TYPE}; charset=utf-8`,
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

function serialize(call: ServedCall, message: unknown): string {
  try {
    return JSON.stringify(call.toJson(message));
  } catch (error) {
    call.onUnexpectedError(error);
    throw new RpcError(Code.INTERNAL, "error serializing response");
  }
}

function frame(framing: StreamFraming, event: "message" | "error" | "end", json: string): string {
  if (framing === "ndjson") return `${json}\n`;
  return event === "message" ? `data: ${json}\n\n` : `event: ${event}\ndata: ${json}\n\n`;
}

/**
 * Writes `chunk`; false when the socket buffer is full (wait for {@link drained}).
 * Lines written in the same turn of the event loop go out together (corked
 * until the next tick), not one syscall each.
 */
function write(res: ServerResponse, chunk: string): boolean {
  if (res.writableCorked === 0) {
    res.cork();
    process.nextTick(uncork, res);
  }
  return res.write(chunk);
}

function uncork(res: ServerResponse): void {
  res.uncork();
}

/** Resolves on 'drain' or when the client leaves, whichever comes first; removes both listeners then. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}
