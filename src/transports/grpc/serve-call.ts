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
 * with it. Its abort fires when the client cancels or disconnects (grpc-js
 * 'cancelled'), at the deadline (timed on the clock), and when the server shuts
 * down, after `settle` has sent the caller that error. The signal's
 * AbortController and the metadata's conversion are made only if the handler
 * reads them (a unary handler like the Greeter reads neither, and each costs
 * microseconds on a loopback call). The call is answered once, by `settle`.
 * A class rather than closures: tsx's keepNames renames every named function
 * made per call with defineProperty.
 */
class ServerScope {
  /** Aborts on cancel, disconnect, deadline or shutdown, with an RpcError as its reason; race each step of the call against it. */
  readonly abort = new LazyAbort();
  readonly context: CallContext;
  readonly #call: AnyServerCall;
  readonly #env: ServeEnv;
  readonly #deadline: number | undefined;
  readonly #onCancelled: () => void;
  readonly #stop: (error: RpcError) => void;
  readonly #answer: (error: RpcError | null, message?: unknown) => void;
  // grpc-js also emits 'cancelled' after a call ends normally; `closed` makes that a no-op.
  #closed = false;
  #settled = false;
  #metadata: Metadata | undefined;

  /** `answer` sends the caller the call's error (a status) or its unary message (a stream's end when there is none). */
  constructor(call: AnyServerCall, path: string, env: ServeEnv, answer: (error: RpcError | null, message?: unknown) => void) {
    this.#call = call;
    this.#env = env;
    this.#answer = answer;
    const deadline = (this.#deadline = fromWallDeadline(call.getDeadline(), env.clock));
    this.#onCancelled = () => this.#cancelled();
    this.#stop = (error) => {
      this.settle(error);
      // The handler hears of it as of any cancel; its caller already has `error`.
      this.abort.abort(new RpcError(Code.CANCELLED, "call cancelled by the caller"));
    };
    call.on("cancelled", this.#onCancelled);
    env.inFlight.add(this.#stop);
    if (call.cancelled) this.#cancelled();
    if (deadline !== undefined) this.abort.expireAt(env.clock, deadline);
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
  }

  #cancelled(): void {
    if (!this.#closed) this.abort.abort(clientGoneReason(this.#env.clock, this.#deadline, "call cancelled by the caller"));
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
    this.abort.close();
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
    // An abort (cancel, deadline, shutdown) that came first is the answer; the handler's later result is ignored.
    scope.abort.race(result).then(
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
      const item = await scope.abort.race(source.next());
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
