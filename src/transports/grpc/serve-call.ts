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

/**
 * The handler's view of one grpc-js server call, and the cleanup that goes
 * with it. The call ends early when the client cancels or disconnects (grpc-js
 * 'cancelled'), at the deadline (timed on the clock), or when the server shuts
 * down: the caller is answered with why at once (an abort that came first wins
 * over a result already there), the handler's signal aborts, and what the
 * handler yields or returns later is dropped. So the handler's steps need no
 * race against the abort, which cost a promise per call and per streamed message.
 *
 * The signal's AbortController and the metadata's conversion are made only if
 * the handler reads them (a unary handler like the Greeter reads neither, and
 * each costs microseconds on a loopback call). A class rather than closures:
 * tsx's keepNames renames every named function made per call with defineProperty.
 */
class ServerScope {
  /** Aborts when the call ends early, with an RpcError as its reason: the handler's signal. */
  readonly abort = new LazyAbort();
  readonly context: CallContext;
  readonly #call: AnyServerCall;
  readonly #env: ServeEnv;
  readonly #onCancelled: () => void;
  readonly #stop: (error: RpcError) => void;
  readonly #answer: (error: RpcError | null, message?: unknown) => void;
  #cancelTimer: (() => void) | undefined;
  // grpc-js also emits 'cancelled' after a call ends normally; `closed` makes that a no-op.
  #closed = false;
  #settled = false;
  #metadata: Metadata | undefined;

  /** `answer` sends the caller the call's error (a status) or its unary message (a stream's end when there is none). */
  constructor(call: AnyServerCall, path: string, env: ServeEnv, answer: (error: RpcError | null, message?: unknown) => void) {
    this.#call = call;
    this.#env = env;
    this.#answer = answer;
    const deadline = fromWallDeadline(call.getDeadline(), env.clock);
    this.#onCancelled = () => this.#end(clientGoneReason(env.clock, deadline, "call cancelled by the caller"));
    this.#stop = (error) => {
      this.settle(error);
      // The handler hears of it as of any cancel; its caller already has `error`.
      this.#end(new RpcError(Code.CANCELLED, "call cancelled by the caller"));
    };
    call.on("cancelled", this.#onCancelled);
    env.inFlight.add(this.#stop);
    const scope = this;
    this.context = {
      path,
      get signal() {
        return scope.abort.signal;
      },
      deadline,
      get metadata() {
        return scope.#requestMetadata();
      },
    };
    if (call.cancelled) this.#onCancelled();
    else if (deadline !== undefined) {
      const left = deadline - env.clock.now();
      if (left <= 0) this.#end(new RpcError(Code.DEADLINE_EXCEEDED, "deadline exceeded"));
      else this.#cancelTimer = env.clock.setTimer(left, () => this.#end(new RpcError(Code.DEADLINE_EXCEEDED, "deadline exceeded")));
    }
  }

  /** True once the call ended early: its caller has been answered and the handler's signal aborted. */
  get ended(): boolean {
    return this.abort.aborted;
  }

  #end(reason: RpcError): void {
    if (this.#closed) return;
    this.abort.abort(reason);
    this.settle(reason);
    this.close();
  }

  #requestMetadata(): Metadata {
    return (this.#metadata ??= fromGrpcMetadata(this.#call.metadata));
  }

  /** Answers the caller, once: later answers (a result after an abort, an abort after the result) are dropped. */
  settle(error: RpcError | null, message?: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#answer(error, message);
  }

  /** Detaches from the grpc-js call; after it, a late 'cancelled' event or the deadline is ignored. Safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelTimer?.();
    this.#call.off("cancelled", this.#onCancelled);
    this.#env.inFlight.delete(this.#stop);
  }
}

/** Adapts a unary handler to grpc-js: its answer, or its error as a status safe for the caller. */
export function unaryCall(handler: Extract<Handler, { kind: "unary" }>, env: ServeEnv): handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const scope = new ServerScope(call, handler.path, env, (error, message) => (error ? callback(toGrpcStatus(error)) : callback(null, message)));
    let result: Promise<unknown>;
    try {
      result = handler.invoke(call.request, scope.context);
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (message) => {
        scope.close();
        scope.settle(null, message);
      },
      (error: unknown) => {
        scope.close();
        scope.settle(errorForCaller(error, (e) => env.onUnexpectedError?.(e, handler.path)));
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
  // After a cancel grpc-js has already closed the call and ignores what is sent.
  const scope = new ServerScope(call, handler.path, env, (error) => (error ? call.emit("error", toGrpcStatus(error)) : call.end()));
  let source: AsyncIterator<unknown> | undefined;
  let finished = false;
  try {
    source = handler.invoke(call.request, scope.context)[Symbol.asyncIterator]();
    while (true) {
      const item = await source.next();
      // Ended early while the handler worked: the caller has its answer; what came is dropped.
      if (scope.ended) return;
      if (item.done) break;
      if (!call.write(item.value)) await drained(call, scope.abort);
    }
    finished = true;
    scope.close();
    scope.settle(null);
  } catch (error) {
    scope.close();
    scope.settle(errorForCaller(error, (e) => env.onUnexpectedError?.(e, handler.path)));
  } finally {
    scope.close();
    // Stopped early (cancel, deadline, shutdown, a failed write): stop the handler too.
    if (!finished) void source?.return?.()?.catch(() => {});
  }
}

/** Resolves on the stream's next 'drain'; rejects with the abort's reason if the call ends first (a reader that stopped never drains). */
function drained(call: ServerWritableStream<unknown, unknown>, abort: LazyAbort): Promise<void> {
  let onDrain = () => {};
  const drain = new Promise<void>((resolve) => call.once("drain", (onDrain = resolve)));
  return abort.race(drain).finally(() => call.off("drain", onDrain));
}
