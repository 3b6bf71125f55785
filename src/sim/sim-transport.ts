import type { CallRequest, CallResponse, Transport } from "../transports/call.js";
import { watchCall } from "../transports/call-scope.js";
import { Code, codeName } from "../transports/codes.js";
import type { MethodDefinition } from "../transports/definition.js";
import { decodeMessage, encodeMessage } from "../transports/message-bytes.js";
import { RpcError } from "../transports/rpc-error.js";
import { FrameInbox } from "./frame-inbox.js";
import type { SimNetwork } from "./network/sim-network.js";
import type { SimNode } from "./network/sim-node.js";
import { serve, type Delivery, type Frame, type SimServedCall } from "./sim-served-call.js";

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
          return { stream: false, message: decodeMessage(method.responseType, frame.bytes) };
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
      if (frame.kind === "message") yield decodeMessage(method.responseType, frame.bytes);
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
  #served: SimServedCall | undefined;

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
