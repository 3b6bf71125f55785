import type { CallContext, CallRequest, CallResponse, Transport } from "../transports/call.js";
import type { Clock } from "../core/clock.js";
import { watchCall } from "../transports/call-scope.js";
import { Code, codeName } from "../transports/codes.js";
import type { MethodDefinition } from "../transports/definition.js";
import { encodeMessage } from "../transports/message-bytes.js";
import { unknownMethodError } from "../transports/router.js";
import { errorForCaller, RpcError } from "../transports/rpc-error.js";
import type { SimNetwork } from "./network/sim-network.js";

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
      const { method, path } = request;
      const caller = network.node(from);
      const epoch = caller.epoch;
      const callId = network.nextCallId();
      const sentAt = network.scheduler.now();
      const bytes = encodeMessage(method.requestType, request.message);
      const timeoutMs = request.deadline === undefined ? undefined : request.deadline - caller.clock.now();
      const inbox = new FrameInbox();
      let finished = false;
      // Aborted already when the call starts: the request still goes out, and the caller fails at once.
      let abortedAtStart: RpcError | undefined;
      let started = false;
      const stopWatching = watchCall(caller.clock, request, (reason) => {
        if (!started) return void (abortedAtStart = reason);
        inbox.fail(reason);
        finish(reason.code);
      });
      started = true;
      const finish = (code: Code) => {
        if (finished) return;
        finished = true;
        stopWatching();
        options.observe?.(path, network.scheduler.now() - sentAt, code);
        if (code === Code.CANCELLED || code === Code.DEADLINE_EXCEEDED) network.send(from, to, { kind: "cancel", callId, path }, () => cancelOnServer?.(code));
      };
      let cancelOnServer: ((code: Code) => void) | undefined;

      network.record({ ev: "call", callId, from, to, path });
      network.send(from, to, { kind: "request", callId, path }, () => {
        cancelOnServer = serve(network, { from, to, callId, path, method, bytes, timeoutMs, metadata: request.metadata }, (frame) =>
          network.send(to, from, { kind: "reply", callId, path }, () => {
            // The caller's continuation died with it if it crashed meanwhile.
            if (caller.epoch !== epoch || finished) return;
            if (frame.kind === "error") network.record({ ev: "error", callId, path, code: codeName(frame.code) });
            inbox.put(frame);
          }),
        );
      });
      if (abortedAtStart) inbox.fail(abortedAtStart);

      if (!method.responseStream) {
        try {
          const frame = await inbox.next();
          if (frame.kind !== "message") throw new RpcError(Code.INTERNAL, `${path} answered no message`);
          finish(Code.OK);
          return { stream: false, message: method.responseType.decode(frame.bytes) };
        } catch (error) {
          finish(RpcError.from(error).code);
          throw error;
        }
      }
      async function* messages(): AsyncGenerator<unknown> {
        try {
          for (;;) {
            const frame = await inbox.next();
            if (frame.kind === "end") return finish(Code.OK);
            if (frame.kind === "message") yield method.responseType.decode(frame.bytes);
          }
        } catch (error) {
          finish(RpcError.from(error).code);
          throw error;
        } finally {
          // The consumer stopped early: tell the server, as a real client would.
          if (!finished) finish(Code.CANCELLED);
        }
      }
      return { stream: true, messages: messages() };
    },
  };
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
 * that crashed meanwhile: the process died before it could. Returns a function
 * that cancels the handler (the caller's cancel message, saying why).
 */
function serve(network: SimNetwork, call: Delivery, send: (frame: Frame) => void): (code: Code) => void {
  const callee = network.node(call.to);
  let seq = 0;
  const calleeEpoch = callee.epoch;
  const emit = (frame: Omit<Frame, "seq"> & Partial<Frame>) => {
    if (callee.epoch === calleeEpoch) send({ ...frame, seq: seq++ } as Frame);
  };
  const fail = (error: unknown) => {
    const rpc = errorForCaller(error);
    emit({ kind: "error", code: rpc.code, message: rpc.message });
  };
  if (!callee.up) {
    fail(new RpcError(Code.UNAVAILABLE, `${call.to} is down (connection refused)`));
    return () => {};
  }
  // The handler's one AbortController: the caller's cancel message or the deadline it sent aborts it.
  let opened: ReturnType<typeof openAbortableScope> | undefined;
  let cancelledEarly: RpcError | undefined;
  const run = () => {
    if (callee.epoch !== calleeEpoch) return;
    const handler = callee.router.lookup(call.path);
    if (!handler) return fail(unknownMethodError(call.path));
    callee.handled++;
    const deadline = call.timeoutMs === undefined ? undefined : callee.clock.now() + call.timeoutMs;
    const scope = (opened = openAbortableScope(callee.clock, deadline, cancelledEarly));
    const context: CallContext = { path: call.path, signal: scope.signal, deadline, metadata: call.metadata };
    let message: unknown;
    try {
      message = call.method.requestType.decode(call.bytes);
    } catch (error) {
      scope.close();
      return fail(new RpcError(Code.INTERNAL, "error deserializing request"));
    }
    const encode = (result: unknown) => encodeMessage(call.method.responseType, result);
    if (handler.kind === "unary") {
      handler
        .invoke(message, context)
        .then((result) => emit({ kind: "message", bytes: encode(result) }), fail)
        .finally(() => scope.close());
      return;
    }
    void (async () => {
      try {
        const stream = handler.invoke(message, context);
        for await (const item of stream) {
          if (scope.signal.aborted) break;
          emit({ kind: "message", bytes: encode(item) });
        }
        if (scope.signal.aborted) throw scope.signal.reason;
        emit({ kind: "end" });
      } catch (error) {
        fail(error);
      } finally {
        scope.close();
      }
    })();
  };
  if (callee.slowMs > 0) callee.clock.setTimer(callee.slowMs, run);
  else run();
  return (code) => {
    const reason = code === Code.DEADLINE_EXCEEDED ? new RpcError(code, "deadline exceeded") : new RpcError(Code.CANCELLED, "call cancelled by the caller");
    if (opened) opened.abort(reason);
    else cancelledEarly ??= reason;
  };
}

/**
 * A handler's scope that the caller's cancel message can also abort: aborted
 * at once if the cancel came before the handler ran, else when the deadline
 * passes or the cancel arrives; nothing aborts it once it is closed.
 */
function openAbortableScope(clock: Clock, deadline: number | undefined, cancelledEarly: RpcError | undefined) {
  const controller = new AbortController();
  let closed = false;
  const abort = (reason: RpcError) => {
    if (!closed) controller.abort(reason);
  };
  if (cancelledEarly) controller.abort(cancelledEarly);
  const stopWatching = cancelledEarly ? () => {} : watchCall(clock, { deadline }, abort);
  return {
    signal: controller.signal,
    abort,
    close() {
      closed = true;
      stopWatching();
    },
  };
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
