import type { ServerUnaryCall, ServerWritableStream, handleServerStreamingCall, handleUnaryCall } from "@grpc/grpc-js";
import type { Clock } from "../../core/clock.js";
import type { CallContext, Metadata } from "../call.js";
import { clientGoneReason } from "../call-scope.js";
import { Code } from "../codes.js";
import { LazyAbort } from "../http/lazy-abort.js";
import type { Handler } from "../router.js";
import { errorForCaller, RpcError } from "../rpc-error.js";
import { fromWallDeadline } from "./deadline.js";
import { fromGrpcMetadata } from "./metadata.js";
import { toGrpcStatus } from "./status.js";

/** What the server-side adapters need besides the handler. */
export interface ServeEnv {
  readonly clock: Clock;
  /** Sees every error a handler threw that was not an RpcError (the caller gets UNKNOWN). */
  readonly onUnexpectedError: ((error: unknown, path: string) => void) | undefined;
  /** The calls in flight: each entry ends its call with `error` and cancels its handler (a server shutting down). */
  readonly inFlight: Set<(error: RpcError) => void>;
}

type AnyServerCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/** The handler's view of one grpc-js server call, and the cleanup that goes with it. */
interface ServerScope {
  readonly context: CallContext;
  /** Aborts on cancel, disconnect, deadline or shutdown, with an RpcError as its reason; race each step of the call against it. */
  readonly abort: LazyAbort;
  /** Detaches from the grpc-js call; after it, a late 'cancelled' event or the deadline is ignored. */
  close(): void;
}

/**
 * Opens the scope of a server call: it aborts when the client cancels or
 * disconnects (grpc-js 'cancelled'), at the deadline (timed on the clock), and
 * when the server shuts down, after `settle` has sent the caller that error.
 * The signal's AbortController and the metadata's conversion are made only if
 * the handler reads them (a unary handler like the Greeter reads neither, and
 * each costs microseconds on a loopback call).
 */
function openServerScope(call: AnyServerCall, path: string, env: ServeEnv, settle: (error: RpcError) => void): ServerScope {
  const { clock } = env;
  const deadline = fromWallDeadline(call.getDeadline(), clock);
  const abort = new LazyAbort();
  // grpc-js also emits 'cancelled' after a call ends normally; `closed` makes that a no-op.
  let closed = false;
  const onCancelled = () => {
    if (!closed) abort.abort(clientGoneReason(clock, deadline, "call cancelled by the caller"));
  };
  const stop = (error: RpcError) => {
    settle(error);
    // The handler hears of it as of any cancel; its caller already has `error`.
    abort.abort(new RpcError(Code.CANCELLED, "call cancelled by the caller"));
  };
  call.on("cancelled", onCancelled);
  env.inFlight.add(stop);
  if (call.cancelled) onCancelled();
  if (deadline !== undefined) abort.expireAt(clock, deadline);
  let metadata: Metadata | undefined;
  const context: CallContext = {
    path,
    get signal() {
      return abort.signal;
    },
    deadline,
    get metadata() {
      return (metadata ??= fromGrpcMetadata(call.metadata));
    },
  };
  return {
    context,
    abort,
    close() {
      closed = true;
      abort.close();
      call.off("cancelled", onCancelled);
      env.inFlight.delete(stop);
    },
  };
}

/** Adapts a unary handler to grpc-js: its answer, or its error as a status safe for the caller. */
export function unaryCall(handler: Extract<Handler, { kind: "unary" }>, env: ServeEnv): handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    let settled = false;
    const settle = (error: RpcError | null, message?: unknown) => {
      if (settled) return;
      settled = true;
      if (error) callback(toGrpcStatus(error));
      else callback(null, message);
    };
    const scope = openServerScope(call, handler.path, env, settle);
    let result: Promise<unknown>;
    try {
      result = handler.invoke(call.request, scope.context);
    } catch (error) {
      result = Promise.reject(error);
    }
    // An abort (cancel, deadline, shutdown) that came first is the answer; the handler's later result is ignored.
    scope.abort.race(result).then(
      (message) => {
        scope.close();
        settle(null, message);
      },
      (error: unknown) => {
        scope.close();
        settle(errorForCaller(error, (e) => env.onUnexpectedError?.(e, handler.path)));
      },
    );
  };
}

/**
 * Adapts a streaming handler to grpc-js: writes each message, waits for 'drain'
 * when grpc-js buffers, ends with OK, or with the error's status. When the
 * client cancels, disconnects or the deadline passes, it stops iterating and
 * closes the handler's iterator, so the handler's `finally` runs.
 */
export function serverStreamCall(handler: Extract<Handler, { kind: "stream" }>, env: ServeEnv): handleServerStreamingCall<unknown, unknown> {
  return (call) => {
    void pump(handler, env, call);
  };
}

async function pump(handler: Extract<Handler, { kind: "stream" }>, env: ServeEnv, call: ServerWritableStream<unknown, unknown>): Promise<void> {
  let settled = false;
  // After a cancel grpc-js has already closed the call and ignores what is sent.
  const settle = (error: RpcError | null) => {
    if (settled) return;
    settled = true;
    if (error) call.emit("error", toGrpcStatus(error));
    else call.end();
  };
  const scope = openServerScope(call, handler.path, env, settle);
  let source: AsyncIterator<unknown> | undefined;
  let finished = false;
  try {
    source = handler.invoke(call.request, scope.context)[Symbol.asyncIterator]();
    while (true) {
      const item = await scope.abort.race(source.next());
      if (item.done) break;
      if (!call.write(item.value)) await drained(call, scope.abort);
    }
    finished = true;
    scope.close();
    settle(null);
  } catch (error) {
    scope.close();
    settle(errorForCaller(error, (e) => env.onUnexpectedError?.(e, handler.path)));
  } finally {
    scope.close();
    // Stopped early (cancel, deadline, shutdown): stop the handler too. A pending next() settles first.
    if (!finished) void source?.return?.()?.catch(() => {});
  }
}

/** Resolves on the stream's next 'drain'; rejects with the abort's reason if that comes first. */
function drained(call: ServerWritableStream<unknown, unknown>, abort: LazyAbort): Promise<void> {
  let onDrain = () => {};
  const drain = new Promise<void>((resolve) => call.once("drain", (onDrain = resolve)));
  return abort.race(drain).finally(() => call.off("drain", onDrain));
}
