import type { Dispatcher } from "undici";
import type { Clock } from "../../core/clock.js";
import type { CallRequest, CallResponse } from "../call.js";
import { CallWatch, callerAbortReason } from "../call-scope.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";
import { ChunkList } from "./chunk-list.js";
import { decode, deserializeError, MessageStream, parseOrUndefined } from "./message-stream.js";
import { errorFromAnswer } from "./status.js";
import { JSON_TYPE, NDJSON_TYPE, parseContentType } from "./wire.js";

/** Decoded messages a stream holds for a consumer that reads slower than they come before it pauses the socket. */
const HIGH_WATER = 64;

/**
 * One call on the wire, as an undici dispatch handler: it gets the answer's
 * status, headers and body chunks straight from the connection (no
 * Readable body stream, no async generators between the socket and the
 * caller), decodes a unary answer at its end and a stream's lines as they
 * arrive. It aborts the request itself when its CallWatch says the caller
 * is gone (CANCELLED, or the caller's own DEADLINE_EXCEEDED) or the deadline
 * passed (DEADLINE_EXCEEDED); the watch stops when the call ends.
 */
export class WireCall implements Dispatcher.DispatchHandler {
  /** Settles with the answer: a message, a stream of them, or the call's RpcError. */
  readonly response: Promise<CallResponse>;
  #resolve!: (response: CallResponse) => void;
  #reject!: (error: unknown) => void;
  #controller: Dispatcher.DispatchController | undefined;
  /** Why this side cut the call off (deadline, caller, a bad answer, the consumer leaving); wins over what undici says then. */
  #abortReason: RpcError | undefined;
  /** The call is over for its caller: the answer (or its failure) is given, or the stream has ended. */
  #done = false;
  readonly #watch: CallWatch;
  #status = 0;
  /** A unary answer's body, as it arrives. */
  readonly #body = new ChunkList();
  #stream: MessageStream | undefined;

  constructor(
    private readonly request: CallRequest,
    clock: Clock,
  ) {
    this.response = new Promise<CallResponse>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#watch = new CallWatch(clock, request, (reason) => this.abort(reason));
  }

  /** True once the call failed or finished before it was sent (an aborted signal, a past deadline). */
  get done(): boolean {
    return this.#done;
  }

  /** Cuts the call off with `reason`: the caller sees it at once, the request is aborted on the wire. */
  abort(reason: RpcError): void {
    if (this.#done) return;
    this.#abortReason = reason;
    this.#fail(reason, true);
    this.#controller?.abort(reason);
  }

  /** The consumer of a stream stopped reading it: end quietly and free the connection. */
  stop(): void {
    if (this.#done) return;
    const reason = new RpcError(Code.CANCELLED, "the stream's consumer stopped reading it");
    this.#abortReason = reason;
    this.#finish();
    this.#controller?.abort(reason);
  }

  /** Lets a paused answer flow again (the consumer read what the stream held). */
  resume(): void {
    this.#controller?.resume();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason) controller.abort(this.#abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (this.#done || statusCode < 200) return;
    this.#status = statusCode;
    if (statusCode >= 300) return;
    const header = headers["content-type"];
    const type = parseContentType(Array.isArray(header) ? header[0] : header).type;
    const streamed = this.request.method.responseStream;
    const expected = streamed ? NDJSON_TYPE : JSON_TYPE;
    if (type !== expected) return this.abort(new RpcError(Code.UNKNOWN, `expected ${expected}, got ${type || "no content-type"}`));
    if (streamed) {
      this.#stream = new MessageStream(this, this.request);
      this.#resolve({ stream: true, messages: this.#stream });
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#done) return;
    const stream = this.#stream;
    if (stream === undefined) {
      this.#body.push(chunk);
      return;
    }
    const error = stream.push(chunk);
    if (error) return this.#cutOff(error);
    if (stream.buffered >= HIGH_WATER) controller.pause();
  }

  onResponseEnd(): void {
    if (this.#done) return;
    if (this.#stream) {
      const error = this.#stream.end();
      return error ? this.#cutOff(error) : this.#finish();
    }
    const text = this.#body.take().toString("utf8");
    if (this.#status < 200 || this.#status >= 300) return this.#fail(errorFromAnswer(this.#status, parseOrUndefined(text)), false);
    let message: unknown;
    try {
      message = decode(this.request, JSON.parse(text));
    } catch (error) {
      return this.#fail(deserializeError(error), false);
    }
    this.#finish();
    this.#resolve({ stream: false, message });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#fail(this.#failure(error), false);
  }

  /** A bad stream line: the messages before it are delivered, then `error`; the rest of the answer is dropped. */
  #cutOff(error: RpcError): void {
    this.#abortReason = error;
    this.#fail(error, false);
    this.#controller?.abort(error);
  }

  /** What an error undici reports means to the caller. */
  #failure(error: unknown): RpcError {
    if (this.#abortReason) return this.#abortReason;
    const { signal } = this.request;
    if (signal.aborted) return callerAbortReason(signal);
    if (error instanceof RpcError) return error;
    return new RpcError(Code.UNAVAILABLE, `http transport: ${describe(error)}`, { cause: error });
  }

  /** Fails the call once: before the answer started, its promise; a stream, at once (`now`, an abort) or after the messages it holds. */
  #fail(error: RpcError, now: boolean): void {
    if (this.#done) return;
    this.#finish();
    if (this.#stream) this.#stream.fail(error, now);
    else this.#reject(error);
  }

  /** Ends the call: stops watching the signal and the deadline. */
  #finish(): void {
    this.#done = true;
    // Undefined only while the constructor's watch is being made (a caller already gone ends the call at once).
    this.#watch?.stop();
  }
}

/** An error with a cause (a wrapped socket error) says what in its cause (ECONNREFUSED, other side closed...). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  return cause ? `${error.message}: ${cause.message}` : error.message;
}
