import type { ServerUnaryCall, ServerWritableStream, handleServerStreamingCall, handleUnaryCall, sendUnaryData } from "@grpc/grpc-js";
import type { Clock } from "../../core/clock.js";
import type { CallContext, Metadata } from "../call.js";
import { atDeadline, clientGoneReason } from "../call-scope.js";
import { Code } from "../codes.js";
import { HANDED_ABORT, LazyAbort } from "../lazy-abort.js";
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
  /** The calls in flight: `stop` ends one with `error` and cancels its handler (a server shutting down). */
  readonly inFlight: Set<{ stop(error: RpcError): void }>;
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
 * each costs microseconds on a loopback call). Objects rather than closures:
 * each closure made per call is garbage to collect, and tsx's keepNames renames
 * every named one with defineProperty.
 */
abstract class ServerScope {
  /** Aborts when the call ends early, with an RpcError as its reason: the handler's signal. */
  readonly abort = new LazyAbort();
  readonly context: CallContext;
  readonly #call: AnyServerCall;
  readonly #env: ServeEnv;
  readonly #onCancelled: () => void;
  #cancelTimer: (() => void) | undefined;
  // grpc-js also emits 'cancelled' after a call ends normally; `closed` makes that a no-op.
  #closed = false;
  #settled = false;
  #metadata: Metadata | undefined;

  constructor(call: AnyServerCall, path: string, env: ServeEnv) {
    this.#call = call;
    this.#env = env;
    const deadline = fromWallDeadline(call.getDeadline(), env.clock);
    this.context = new ServedContext(this, path, deadline);
    this.#onCancelled = () => this.#end(clientGoneReason(env.clock, deadline, "call cancelled by the caller"));
  }

  /**
   * Starts watching for the call's early end; a call already cancelled or past
   * its deadline ends (and is answered) at once. Called once the subclass can answer.
   */
  open(): this {
    const call = this.#call;
    const { clock } = this.#env;
    const { deadline } = this.context;
    call.on("cancelled", this.#onCancelled);
    this.#env.inFlight.add(this);
    if (call.cancelled) this.#onCancelled();
    else if (deadline !== undefined) this.#cancelTimer = atDeadline(clock, deadline, (error) => this.#end(error));
    return this;
  }

  /** Sends the caller the call's error (a status) or its unary message (a stream's end when there is none). */
  protected abstract answer(error: RpcError | null, message?: unknown): void;

  /** True once the call ended early: its caller has been answered and the handler's signal aborted. */
  get ended(): boolean {
    return this.abort.aborted;
  }

  /** The request metadata as the handler sees it, converted on first use. */
  requestMetadata(): Metadata {
    return (this.#metadata ??= fromGrpcMetadata(this.#call.metadata));
  }

  /** Answers the caller, once: later answers (a result after an abort, an abort after the result) are dropped. */
  settle(error: RpcError | null, message?: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.answer(error, message);
  }

  /** Ends the call with `error` for its caller (a server shutting down); the handler hears of it as of any cancel. */
  stop(error: RpcError): void {
    this.settle(error);
    this.#end(new RpcError(Code.CANCELLED, "call cancelled by the caller"));
  }

  /** Detaches from the grpc-js call; after it, a late 'cancelled' event or the deadline is ignored. Safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelTimer?.();
    this.#call.off("cancelled", this.#onCancelled);
    this.#env.inFlight.delete(this);
  }

  #end(reason: RpcError): void {
    if (this.#closed) return;
    this.abort.abort(reason);
    this.settle(reason);
    this.close();
  }
}

/** What a handler sees of its call: the scope's signal and metadata, made when first read. */
class ServedContext implements CallContext {
  readonly #scope: ServerScope;
  readonly path: string;
  readonly deadline: number | undefined;

  constructor(scope: ServerScope, path: string, deadline: number | undefined) {
    this.#scope = scope;
    this.path = path;
    this.deadline = deadline;
  }

  get signal(): AbortSignal {
    return this.#scope.abort.signal;
  }

  get metadata(): Metadata {
    return this.#scope.requestMetadata();
  }

  /** The call's abort, watched directly by the calls the handler makes with this context (see lazyAbortOf). */
  [HANDED_ABORT](): LazyAbort {
    return this.#scope.abort;
  }
}

/** A unary call's scope: answers through grpc-js's callback. */
class UnaryScope extends ServerScope {
  readonly #callback: sendUnaryData<unknown>;

  constructor(call: ServerUnaryCall<unknown, unknown>, path: string, env: ServeEnv, callback: sendUnaryData<unknown>) {
    super(call, path, env);
    this.#callback = callback;
  }

  protected answer(error: RpcError | null, message?: unknown): void {
    if (error) this.#callback(toGrpcStatus(error));
    else this.#callback(null, message);
  }
}

/** Adapts a unary handler to grpc-js: its answer, or its error as a status safe for the caller. */
export function unaryCall(handler: Extract<Handler, { kind: "unary" }>, env: ServeEnv): handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const scope = new UnaryScope(call, handler.path, env, callback).open();
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

/** A server stream's scope: ends the stream with OK, or emits its error status (after a cancel grpc-js ignores both). */
class StreamScope extends ServerScope {
  readonly #stream: ServerWritableStream<unknown, unknown>;

  constructor(call: ServerWritableStream<unknown, unknown>, path: string, env: ServeEnv) {
    super(call, path, env);
    this.#stream = call;
  }

  protected answer(error: RpcError | null): void {
    if (error) this.#stream.emit("error", toGrpcStatus(error));
    else this.#stream.end();
  }
}

async function pump(handler: Extract<Handler, { kind: "stream" }>, env: ServeEnv, call: ServerWritableStream<unknown, unknown>): Promise<void> {
  const scope = new StreamScope(call, handler.path, env).open();
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
