import type { CallRequest, CallResponse, Transport } from "../transports/call.js";
import { watchCall } from "../transports/call-scope.js";
import { Code, codeName } from "../transports/codes.js";
import type { MethodDefinition } from "../transports/definition.js";
import { LazyAbort, lazyContext } from "../transports/lazy-abort.js";
import { encodeMessage } from "../transports/message-bytes.js";
import { unknownMethodError } from "../transports/router.js";
import { errorForCaller, RpcError } from "../transports/rpc-error.js";
import type { SimNetwork } from "./network/sim-network.js";
import type { SimNode } from "./network/sim-node.js";

/** What the callee sends back, numbered so the caller reads it in order whatever the latencies. */
type Frame =
  | { readonly seq: number; readonly kind: "message"; readonly bytes: Uint8Array }
  | { readonly seq: number; readonly kind: "end" }
  | { readonly seq: number; readonly kind: "error"; readonly code: Code; readonly message: string };

/** Options of {@link createSimTransport}. */
export interface SimTransportOptions {
  /** Sees every finished call: its path, its virtual duration and its code. */
  readonly observe?: (path: string, ms: number, code: Code) => void;
}

/**
 * A client transport from node `from` to node `to` over the simulated network.
 * The request and each reply frame travel as bytes (the real codec), each as
 * one message on a link; the caller's deadline and cancellation are its own,
 * as over a real network, and the callee gets the remaining time with the
 * request. A stream's frames are numbered and read in order.
 */
export function createSimTransport(network: SimNetwork, from: string, to: string, options: SimTransportOptions = {}): Transport {
  return {
    async call(request: CallRequest): Promise<CallResponse> {
      const call = new SimCall(network, from, to, request, options.observe);
      const { method, path } = request;
      if (!method.responseStream) {
        try {
          const frame = await call.inbox.next();
          if (frame.kind !== "message") throw new RpcError(Code.INTERNAL, `${path} answered no message`);
          call.finish(Code.OK);
          return { stream: false, message: method.responseType.decode(frame.bytes) };
        } catch (error) {
          call.finish(RpcError.from(error).code);
          throw error;
        }
      }
      return { stream: true, messages: streamOf(call, method) };
    },
  };
}

/** The frames of a streamed answer as messages, in order; the call ends with the iteration. */
async function* streamOf(call: SimCall, method: MethodDefinition): AsyncGenerator<unknown> {
  try {
    for (;;) {
      const frame = await call.inbox.next();
      if (frame.kind === "end") return call.finish(Code.OK);
      if (frame.kind === "message") yield method.responseType.decode(frame.bytes);
    }
  } catch (error) {
    call.finish(RpcError.from(error).code);
    throw error;
  } finally {
    // The consumer stopped early: tell the server, as a real client would.
    call.finish(Code.CANCELLED);
  }
}

/**
 * The caller's side of one call: sends the request, watches the caller's own
 * deadline and cancellation, and puts the frames that come back in its inbox.
 * Its state lives in fields and methods, not closures: it runs for every
 * simulated call, and under tsx each named closure costs a defineProperty.
 */
class SimCall {
  readonly inbox = new FrameInbox();
  readonly #network: SimNetwork;
  readonly #from: string;
  readonly #to: string;
  readonly #path: string;
  readonly #caller: SimNode;
  readonly #epoch: number;
  readonly #callId: number;
  readonly #sentAt: number;
  readonly #observe: SimTransportOptions["observe"];
  readonly #stopWatching: () => void;
  #started = false;
  #finished = false;
  /** Aborted already when the call starts: the request still goes out, and the caller fails at once. */
  #abortedAtStart: RpcError | undefined;
  #served: ServedCall | undefined;

  constructor(network: SimNetwork, from: string, to: string, request: CallRequest, observe: SimTransportOptions["observe"]) {
    const { method, path } = request;
    this.#network = network;
    this.#from = from;
    this.#to = to;
    this.#path = path;
    this.#observe = observe;
    const caller = (this.#caller = network.node(from));
    this.#epoch = caller.epoch;
    this.#callId = network.nextCallId();
    this.#sentAt = network.scheduler.now();
    const delivery: Delivery = {
      from,
      to,
      callId: this.#callId,
      path,
      method,
      bytes: encodeMessage(method.requestType, request.message),
      timeoutMs: request.deadline === undefined ? undefined : request.deadline - caller.clock.now(),
      metadata: request.metadata,
    };
    this.#stopWatching = watchCall(caller.clock, request, (reason) => this.#aborted(reason));
    this.#started = true;
    network.record({ ev: "call", callId: this.#callId, from, to, path });
    network.send(from, to, { kind: "request", callId: this.#callId, path }, () => {
      this.#served = serve(network, delivery, (frame) => this.#reply(frame));
    });
    if (this.#abortedAtStart) this.inbox.fail(this.#abortedAtStart);
  }

  /** Ends the call once: stops watching, reports it, and tells the server if the caller gave up. */
  finish(code: Code): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#stopWatching();
    this.#observe?.(this.#path, this.#network.scheduler.now() - this.#sentAt, code);
    if (code === Code.CANCELLED || code === Code.DEADLINE_EXCEEDED) {
      this.#network.send(this.#from, this.#to, { kind: "cancel", callId: this.#callId, path: this.#path }, () => this.#served?.cancel(code));
    }
  }

  #aborted(reason: RpcError): void {
    if (!this.#started) {
      this.#abortedAtStart = reason;
      return;
    }
    this.inbox.fail(reason);
    this.finish(reason.code);
  }

  /** The callee sends a frame back over the reverse link. */
  #reply(frame: Frame): void {
    this.#network.send(this.#to, this.#from, { kind: "reply", callId: this.#callId, path: this.#path }, () => this.#land(frame));
  }

  #land(frame: Frame): void {
    // The caller's continuation died with it if it crashed meanwhile.
    if (this.#caller.epoch !== this.#epoch || this.#finished) return;
    if (frame.kind === "error") this.#network.record({ ev: "error", callId: this.#callId, path: this.#path, code: codeName(frame.code) });
    this.inbox.put(frame);
  }
}

interface Delivery {
  readonly from: string;
  readonly to: string;
  readonly callId: number;
  readonly path: string;
  readonly method: MethodDefinition;
  readonly bytes: Uint8Array;
  readonly timeoutMs: number | undefined;
  readonly metadata: CallRequest["metadata"];
}

/**
 * The callee's side of one delivered request: runs the handler on the node's
 * current instance and sends each frame back. Nothing is sent by an instance
 * that crashed meanwhile: the process died before it could. Returns the served
 * call, which the caller's cancel message can abort (undefined if refused).
 */
function serve(network: SimNetwork, call: Delivery, send: (frame: Frame) => void): ServedCall | undefined {
  const served = new ServedCall(network.node(call.to), call, send);
  if (!served.callee.up) {
    served.fail(new RpcError(Code.UNAVAILABLE, `${call.to} is down (connection refused)`));
    return undefined;
  }
  if (served.callee.slowMs > 0) served.callee.clock.setTimer(served.callee.slowMs, () => served.run());
  else served.run();
  return served;
}

/**
 * One request being handled. Its abort (the caller's cancel message, or the
 * deadline the caller sent) makes an AbortController only if the handler reads
 * its signal; a cancel that comes before the handler runs leaves it aborted at
 * once, and nothing aborts it once the handler is done.
 */
class ServedCall {
  readonly callee: SimNode;
  readonly #call: Delivery;
  readonly #send: (frame: Frame) => void;
  readonly #epoch: number;
  readonly #abort = new LazyAbort();
  #seq = 0;
  #closed = false;

  constructor(callee: SimNode, call: Delivery, send: (frame: Frame) => void) {
    this.callee = callee;
    this.#call = call;
    this.#send = send;
    this.#epoch = callee.epoch;
  }

  /** The caller's cancel message arrived, saying why it gave up. */
  cancel(code: Code): void {
    if (this.#closed) return;
    this.#abort.abort(code === Code.DEADLINE_EXCEEDED ? new RpcError(code, "deadline exceeded") : new RpcError(Code.CANCELLED, "call cancelled by the caller"));
  }

  /** Sends the error a caller should see for `error`. */
  fail(error: unknown): void {
    const rpc = errorForCaller(error);
    this.#emit({ kind: "error", code: rpc.code, message: rpc.message });
  }

  run(): void {
    const { callee } = this;
    if (callee.epoch !== this.#epoch) return;
    const call = this.#call;
    const handler = callee.router.lookup(call.path);
    if (!handler) return this.fail(unknownMethodError(call.path));
    callee.handled++;
    const deadline = call.timeoutMs === undefined ? undefined : callee.clock.now() + call.timeoutMs;
    if (deadline !== undefined && !this.#abort.aborted) this.#abort.expireAt(callee.clock, deadline);
    let message: unknown;
    try {
      message = call.method.requestType.decode(call.bytes);
    } catch {
      this.#close();
      return this.fail(new RpcError(Code.INTERNAL, "error deserializing request"));
    }
    const context = lazyContext(call.path, this.#abort, deadline, call.metadata);
    if (handler.kind === "unary") {
      handler
        .invoke(message, context)
        .then(
          (result) => this.#emit({ kind: "message", bytes: encodeMessage(call.method.responseType, result) }),
          (error: unknown) => this.fail(error),
        )
        .finally(() => this.#close());
      return;
    }
    void this.#stream(() => handler.invoke(message, context));
  }

  /** Sends the handler's stream; `open` runs inside the try, since a handler may throw before it returns a stream. */
  async #stream(open: () => AsyncIterable<unknown>): Promise<void> {
    const abort = this.#abort;
    try {
      for await (const item of open()) {
        if (abort.aborted) break;
        this.#emit({ kind: "message", bytes: encodeMessage(this.#call.method.responseType, item) });
      }
      if (abort.aborted) throw abort.signal.reason;
      this.#emit({ kind: "end" });
    } catch (error) {
      this.fail(error);
    } finally {
      this.#close();
    }
  }

  #emit(frame: Omit<Frame, "seq"> & Partial<Frame>): void {
    if (this.callee.epoch === this.#epoch) this.#send({ ...frame, seq: this.#seq++ } as Frame);
  }

  #close(): void {
    this.#closed = true;
    this.#abort.close();
  }
}

/** Frames of one call, released in sequence order; a failure ends it. */
class FrameInbox {
  readonly #early = new Map<number, Frame>();
  readonly #ready: Frame[] = [];
  #nextSeq = 0;
  #failure: RpcError | undefined;
  #wake: (() => void) | undefined;

  put(frame: Frame): void {
    this.#early.set(frame.seq, frame);
    for (let f = this.#early.get(this.#nextSeq); f; f = this.#early.get(this.#nextSeq)) {
      this.#early.delete(this.#nextSeq++);
      this.#ready.push(f);
    }
    this.#wake?.();
  }

  fail(error: RpcError): void {
    this.#failure ??= error;
    this.#wake?.();
  }

  async next(): Promise<Frame> {
    for (;;) {
      if (this.#failure) throw this.#failure;
      const frame = this.#ready.shift();
      if (frame) {
        if (frame.kind === "error") throw new RpcError(frame.code, frame.message);
        return frame;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }
}
