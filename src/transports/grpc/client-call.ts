import type { CallOptions as GrpcCallOptions, Client, ClientReadableStream, Metadata as GrpcMetadata, ServiceError } from "@grpc/grpc-js";
import type { Clock } from "../../core/clock.js";
import type { CallRequest, CallResponse } from "../call.js";
import { watchCall } from "../call-scope.js";
import type { RpcError } from "../rpc-error.js";
import type { CallSlots } from "./call-slots.js";
import { serializers } from "./codec.js";
import { toWallDeadline } from "./deadline.js";
import { toGrpcMetadata } from "./metadata.js";
import { fromGrpcError } from "./status.js";

/** What every call on one transport shares: the grpc-js client (its channel), the call slots and the caller's clock. */
export interface Channel {
  readonly client: Client;
  readonly slots: CallSlots;
  readonly clock: Clock;
}

/** The grpc-js call options of a call without a deadline (grpc-js only reads them). */
const NO_OPTIONS: GrpcCallOptions = Object.freeze({});

/** Does nothing: what stops watching a call with neither a signal nor a deadline (it is not watched). */
const nothing = (): void => {};

/**
 * One call on a channel, from the caller's request to its answer: it waits for
 * a call slot if none is free, goes out on grpc-js, and gives its slot back when
 * it ends. The caller's signal or deadline (timed on the caller's clock, as the
 * sim transport does; grpc-js learns of the deadline too) ends it at the stage
 * it is in: it leaves the slot queue, or it is cancelled on the wire.
 *
 * A class rather than closures: a call makes no AbortController and no named
 * function (tsx's keepNames renames each one made with defineProperty).
 */
export class ClientCall {
  readonly #channel: Channel;
  readonly #request: CallRequest;
  /** Why the caller ended the call (its signal or deadline), once it did. */
  #ended: RpcError | undefined;
  #stopWatching = nothing;
  /** Takes the call out of the slot queue, while it waits there. */
  #leaveQueue: (() => void) | undefined;
  /** The grpc-js call, once sent. */
  #wire: { cancel(): void } | undefined;
  #metadata: GrpcMetadata | undefined;
  #sentAt = 0;
  #resolve: (response: CallResponse) => void = nothing;
  #reject: (error: unknown) => void = nothing;

  constructor(channel: Channel, request: CallRequest) {
    this.#channel = channel;
    this.#request = request;
  }

  /** Starts the call; resolves with its answer (a message, or a stream of them) or rejects with an RpcError. */
  start(): Promise<CallResponse> {
    const request = this.#request;
    this.#stopWatching = watchCall(this.#channel.clock, request, (error) => this.#callerEnded(error));
    if (this.#ended) return Promise.reject(this.#ended);
    let admitted: boolean;
    try {
      this.#metadata = toGrpcMetadata(request.metadata);
      admitted = this.#channel.slots.tryAcquire();
    } catch (error) {
      this.#stopWatching();
      return Promise.reject(error);
    }
    return new Promise<CallResponse>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      if (admitted) this.#send();
      // No slot free: wait in line; a caller that gives up meanwhile leaves the line and never reaches the server.
      else this.#leaveQueue = this.#channel.slots.enqueue(request.deadline, () => this.#send(), (error) => this.#fail(error));
    });
  }

  #callerEnded(error: RpcError): void {
    this.#ended = error;
    if (this.#wire) this.#wire.cancel();
    else if (this.#leaveQueue) {
      this.#leaveQueue();
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    this.#stopWatching();
    this.#reject(error);
  }

  #send(): void {
    const request = this.#request;
    const { client, clock } = this.#channel;
    this.#leaveQueue = undefined;
    this.#sentAt = clock.now();
    const options = request.deadline === undefined ? NO_OPTIONS : { deadline: toWallDeadline(request.deadline, clock) };
    const req = serializers<unknown>(request.method.requestType);
    const res = serializers<unknown>(request.method.responseType);
    try {
      if (!request.method.responseStream) {
        this.#wire = client.makeUnaryRequest(request.path, req.serialize, res.deserialize, request.message, this.#metadata!, options, (error, message) =>
          this.#unaryDone(error, message),
        );
      } else {
        const stream = client.makeServerStreamRequest(request.path, req.serialize, res.deserialize, request.message, this.#metadata!, options);
        this.#wire = stream;
        this.#resolve({ stream: true, messages: new StreamMessages(stream, () => this.#done(), (error) => this.#failure(error)) });
      }
    } catch (error) {
      // grpc-js refused to start the call (its channel closed under it): the slot goes back.
      this.#done();
      this.#reject(fromGrpcError(error));
    }
  }

  #unaryDone(error: ServiceError | null, message: unknown): void {
    this.#done();
    if (error) this.#reject(this.#failure(error));
    else this.#resolve({ stream: false, message });
  }

  /** The call is over on the wire: stop watching the caller and give the slot back, with how long the call took. */
  #done(): void {
    this.#stopWatching();
    this.#channel.slots.release(this.#channel.clock.now() - this.#sentAt);
  }

  /** The caller's own end (its signal or deadline) names the failure, else the status grpc-js reported. */
  #failure(error: unknown): RpcError {
    return this.#ended ?? fromGrpcError(error);
  }
}

/**
 * The messages of a grpc-js server stream, pulled with `read()` on its
 * 'readable', 'end' and 'error' events as Node's own stream iterator does, but
 * with one promise per message and no async generator (Node's iterator is one,
 * and a generator of ours around it was another: each costs promises and a
 * resume per message). Messages that arrived before a failure are read first,
 * as Node's iterator does. When the stream ends, fails, or the reader stops
 * early (break, throw, return: the call is cancelled, so the server's handler
 * stops too), `done` runs once; a failure is reported as `failure` names it.
 */
class StreamMessages implements AsyncIterableIterator<unknown> {
  readonly #stream: ClientReadableStream<unknown>;
  readonly #done: () => void;
  readonly #failure: (error: unknown) => RpcError;
  #over = false;
  #ended = false;
  #failed = false;
  #error: unknown;
  /** Retries the pending next() once the stream has news. */
  #wake: (() => void) | undefined;

  constructor(stream: ClientReadableStream<unknown>, done: () => void, failure: (error: unknown) => RpcError) {
    this.#stream = stream;
    this.#done = done;
    this.#failure = failure;
    stream.on("readable", () => this.#poke());
    stream.on("end", () => {
      this.#ended = true;
      this.#poke();
    });
    // Always listened to: grpc-js emits a failed call's status as 'error', which would throw unheard.
    stream.on("error", (error) => {
      if (!this.#failed) {
        this.#failed = true;
        this.#error = error;
      }
      this.#poke();
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next message, done at the stream's end, or the call's failure as an RpcError. */
  next(): Promise<IteratorResult<unknown>> {
    return new Promise((resolve, reject) => this.#pull(resolve, reject));
  }

  /** Stops reading: cancels the call if it has not ended. */
  return(): Promise<IteratorResult<unknown>> {
    if (this.#finish()) {
      this.#stream.cancel();
      this.#stream.destroy();
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  #pull(resolve: (result: IteratorResult<unknown>) => void, reject: (error: unknown) => void): void {
    const message: unknown = this.#stream.destroyed ? null : this.#stream.read();
    if (message !== null) return resolve({ done: false, value: message });
    if (this.#failed) {
      this.#finish();
      return reject(this.#failure(this.#error));
    }
    if (this.#ended || this.#over) {
      this.#finish();
      return resolve({ done: true, value: undefined });
    }
    this.#wake = () => this.#pull(resolve, reject);
  }

  #poke(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Runs `done` the first time the stream is over; true that time. */
  #finish(): boolean {
    if (this.#over) return false;
    this.#over = true;
    this.#done();
    return true;
  }
}
