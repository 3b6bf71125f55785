import type { ServerResponse } from "node:http";
import type { Clock } from "../../core/clock.js";
import type { CallContext, Metadata } from "../call.js";
import { openCallScope, type CallScope } from "../call-scope.js";
import { Code } from "../codes.js";
import type { Handler } from "../router.js";
import { errorForCaller, RpcError } from "../rpc-error.js";
import { HttpFailure } from "./http-failure.js";
import { LazyAbort } from "./lazy-abort.js";
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
   * Aborts when the client goes away (its reason says CANCELLED, or DEADLINE_EXCEEDED near the deadline).
   * Given as the request's own LazyAbort, the call aborts that one at the deadline too instead of
   * opening a scope with a controller of its own (they cost on every call), and makes no
   * controller at all unless the handler reads its signal.
   */
  readonly disconnect: AbortSignal | LazyAbort;
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
  const { handler, res } = call;
  const { disconnect } = call;
  const scope =
    disconnect instanceof LazyAbort
      ? openDeadlineScope(call.clock, disconnect, call.deadline)
      : signalScope(openCallScope(call.clock, { signal: disconnect, deadline: call.deadline }));
  const { abort } = scope;
  const context: CallContext = {
    path: handler.path,
    get signal() {
      return abort.signal;
    },
    deadline: call.deadline,
    metadata: call.metadata,
  };
  let source: AsyncIterator<unknown> | undefined;
  let finished = false;
  try {
    if (handler.kind === "unary") {
      const invoked = handler.invoke(call.message, context);
      // The abort first: one that already happened wins over a result that is already there (as raceAbort does).
      const result = await Promise.race([abort.whenAborted(), invoked]);
      const body = serialize(call, result);
      if (res.destroyed) return;
      res.writeHead(call.status, { "content-type": `${JSON_TYPE}; charset=utf-8`, "content-length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    source = handler.invoke(call.message, context)[Symbol.asyncIterator]();
    // One listener for the whole stream, raced against each step (cheaper than one per message).
    const aborted = abort.whenAborted();
    // The first message decides the status: an error before it is answered like a unary error.
    let item = await Promise.race([source.next(), aborted]);
    res.writeHead(200, {
      "content-type": call.framing === "sse" ? `${SSE_TYPE}; charset=utf-8` : `${NDJSON_TYPE}; charset=utf-8`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    while (!item.done) {
      await write(res, frame(call.framing, "message", serialize(call, item.value)), aborted);
      item = await Promise.race([source.next(), aborted]);
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
    scope.close();
    // Stopped early (disconnect, deadline, failure): stop the handler too; a pending next() settles first.
    if (!finished) void source?.return?.()?.catch(() => {});
  }
}

/** What a served call aborts with, and the cleanup of its deadline timer. */
interface ServedScope {
  readonly abort: Pick<LazyAbort, "signal" | "whenAborted">;
  close(): void;
}

/** The request's own LazyAbort as the call's scope, aborted DEADLINE_EXCEEDED at the deadline (if any). */
function openDeadlineScope(clock: Clock, abort: LazyAbort, deadline: number | undefined): ServedScope {
  const expire = () => abort.abort(new RpcError(Code.DEADLINE_EXCEEDED, "deadline exceeded"));
  let cancelTimer = () => {};
  if (deadline !== undefined) {
    const left = deadline - clock.now();
    if (left <= 0) expire();
    else cancelTimer = clock.setTimer(left, expire);
  }
  return { abort, close: () => cancelTimer() };
}

/** A call scope's signal as a served call's abort. */
function signalScope(scope: CallScope): ServedScope {
  const { signal } = scope;
  return { abort: { signal, whenAborted: () => abortedPromise(signal) }, close: () => scope.close() };
}

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
 * Writes `chunk`; when the socket buffer is full, waits for 'drain' (or the
 * client leaving, or the signal). Lines written in the same turn of the event
 * loop go out together (corked until the next one), not one syscall each.
 */
async function write(res: ServerResponse, chunk: string, aborted: Promise<never>): Promise<void> {
  if (res.writableCorked === 0) {
    res.cork();
    setImmediate(() => res.uncork());
  }
  if (res.write(chunk)) return;
  let done = () => {};
  const drained = new Promise<void>((resolve) => {
    done = resolve;
    res.once("drain", done);
    res.once("close", done);
  });
  try {
    await Promise.race([drained, aborted]);
  } finally {
    res.off("drain", done);
    res.off("close", done);
  }
}

/** Rejects with the signal's reason when it aborts (never settles otherwise; rejections are handled). */
function abortedPromise(signal: AbortSignal): Promise<never> {
  const promise = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  promise.catch(() => {});
  return promise;
}
