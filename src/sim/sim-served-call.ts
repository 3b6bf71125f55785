import { Code } from "../transports/codes.js";
import { deadlineExceeded } from "../transports/call-scope.js";
import type { CallRequest } from "../transports/call.js";
import type { MethodDefinition } from "../transports/definition.js";
import { LazyAbort, lazyContext } from "../transports/lazy-abort.js";
import { decodeMessage, encodeMessage } from "../transports/message-bytes.js";
import { unknownMethodError } from "../transports/router.js";
import { errorForCaller, RpcError } from "../transports/rpc-error.js";
import type { SimNetwork } from "./network/sim-network.js";
import type { SimNode } from "./network/sim-node.js";

/** What the callee sends back, numbered so the caller reads it in order whatever the latencies. */
export type Frame =
  | { readonly seq: number; readonly kind: "message"; readonly bytes: Uint8Array }
  | { readonly seq: number; readonly kind: "end" }
  | { readonly seq: number; readonly kind: "error"; readonly code: Code; readonly message: string };

/** A request as it reaches the callee: who sent it, the method, its bytes and the time it has left. */
export interface Delivery {
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
export function serve(network: SimNetwork, call: Delivery, send: (frame: Frame) => void): SimServedCall | undefined {
  const served = new SimServedCall(network.node(call.to), call, send);
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
export class SimServedCall {
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
    this.#abort.abort(code === Code.DEADLINE_EXCEEDED ? deadlineExceeded() : new RpcError(Code.CANCELLED, "call cancelled by the caller"));
  }

  /** Sends the error a caller should see for `error`. */
  fail(error: unknown): void {
    const rpc = errorForCaller(error);
    if (this.#live()) this.#send({ seq: this.#seq++, kind: "error", code: rpc.code, message: rpc.message });
  }

  /** Runs the handler on the callee's current instance (unless it crashed since the request arrived) and sends what it answers. */
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
      message = decodeMessage(call.method.requestType, call.bytes);
    } catch {
      this.#close();
      return this.fail(new RpcError(Code.INTERNAL, "error deserializing request"));
    }
    const context = lazyContext(call.path, this.#abort, deadline, call.metadata);
    if (handler.kind === "unary") {
      handler
        .invoke(message, context)
        .then(
          (result) => {
            // A result the codec refuses (an int32 of 2^40) fails the call like any handler error.
            try {
              this.#message(result);
            } catch (error) {
              this.fail(error);
            }
          },
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
        this.#message(item);
      }
      if (abort.aborted) throw abort.reason;
      if (this.#live()) this.#send({ seq: this.#seq++, kind: "end" });
    } catch (error) {
      this.fail(error);
    } finally {
      this.#close();
    }
  }

  /** Nothing is sent by an instance that crashed meanwhile: the process died before it could. */
  #live(): boolean {
    return this.callee.epoch === this.#epoch;
  }

  #message(message: unknown): void {
    if (!this.#live()) return;
    // Encoded before a sequence number is taken: a message the codec refuses must not leave a gap.
    const bytes = encodeMessage(this.#call.method.responseType, message);
    this.#send({ seq: this.#seq++, kind: "message", bytes });
  }

  #close(): void {
    this.#closed = true;
    this.#abort.close();
  }
}
