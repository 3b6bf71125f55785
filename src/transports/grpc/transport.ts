import { Client, credentials, type CallOptions as GrpcCallOptions, type ChannelOptions, type ClientReadableStream, type Metadata as GrpcMetadata } from "@grpc/grpc-js";
import type { Clock } from "../../core/clock.js";
import type { CallRequest, CallResponse, Transport } from "../call.js";
import { watchCall } from "../call-scope.js";
import { CallSlots } from "./call-slots.js";
import { RpcError } from "../rpc-error.js";
import { systemClock } from "../system-clock.js";
import { DEFAULT_MAX_MESSAGE_BYTES, serializers } from "./codec.js";
import { toWallDeadline } from "./deadline.js";
import { toGrpcMetadata } from "./metadata.js";
import { fromGrpcError } from "./status.js";

/** The grpc-js call options of a call without a deadline (grpc-js only reads them). */
const NO_OPTIONS: GrpcCallOptions = Object.freeze({});

/** Options of {@link createGrpcTransport}. */
export interface GrpcTransportOptions {
  /** `host:port` of the server, e.g. the `address` of a server from `createGrpcServer`. */
  readonly address: string;
  /** The caller's clock: request deadlines are ms on it. Default: the system clock. */
  readonly clock?: Clock;
  /** Largest message sent or received, in bytes; a larger one fails with RESOURCE_EXHAUSTED. Default: 4 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * Calls on the channel at once at most; further calls wait on the client in order (as
   * HTTP's calls wait for one of its keep-alive connections). One whose caller cancels
   * while waiting, or whose deadline passes or is closer than a call usually takes when
   * its turn comes, never reaches the server. Default: 128.
   */
  readonly maxConcurrentCalls?: number;
  /** grpc-js channel options, applied over the defaults (message limits; keep-alive ping every 60 s, 20 s timeout). */
  readonly channelOptions?: ChannelOptions;
}

/** A client transport over one gRPC channel. */
export interface GrpcTransport extends Transport {
  /** Closes the channel; new calls fail with UNAVAILABLE. */
  close(): void;
}

/**
 * A transport that sends every call over one long-lived grpc-js channel (plaintext
 * HTTP/2), on the method's path with its definition's protobuf serializers. The
 * caller's deadline travels as a gRPC timeout, an abort cancels the call, and a
 * non-OK status comes back as an RpcError with its code and message.
 */
export function createGrpcTransport(options: GrpcTransportOptions): GrpcTransport {
  const clock = options.clock ?? systemClock;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  // Without a bound, every call goes out at once on one HTTP/2 connection: past saturation the servers
  // work on calls whose callers gave up, and each one cancelled resets a stream. Node's HTTP/2 server
  // (nghttp2's rapid-reset guard: a burst of 1000, then 33 a second) answers a flood of resets by
  // closing the connection with GOAWAY INTERNAL_ERROR, which fails every call on it.
  const slots = new CallSlots(options.maxConcurrentCalls ?? 128, clock);
  const client = new Client(options.address, credentials.createInsecure(), {
    "grpc.max_receive_message_length": maxMessageBytes,
    "grpc.max_send_message_length": maxMessageBytes,
    "grpc.keepalive_time_ms": 60_000,
    "grpc.keepalive_timeout_ms": 20_000,
    ...options.channelOptions,
  });

  return {
    call(request: CallRequest): Promise<CallResponse> {
      // Why the caller ended the call (its signal, or its deadline timed on its own clock as the sim transport
      // does), and what ending it does at the stage the call is in: leave the slot queue, or cancel on the wire.
      // watchCall instead of a call scope: no AbortController per call, and grpc-js learns of the deadline too.
      let ended: RpcError | undefined;
      let onEnd: (error: RpcError) => void = () => {};
      const stop = watchCall(clock, request, (error) => {
        ended = error;
        onEnd(error);
      });
      if (ended) {
        stop();
        return Promise.reject(ended);
      }
      let metadata: GrpcMetadata;
      let admitted: boolean;
      try {
        metadata = toGrpcMetadata(request.metadata);
        admitted = slots.tryAcquire();
      } catch (error) {
        stop();
        return Promise.reject(error);
      }
      return new Promise<CallResponse>((resolve, reject) => {
        const fail = (error: RpcError) => {
          stop();
          reject(error);
        };
        const send = () => {
          const sentAt = clock.now();
          const done = () => {
            stop();
            slots.release(clock.now() - sentAt);
          };
          const callOptions: GrpcCallOptions = request.deadline === undefined ? NO_OPTIONS : { deadline: toWallDeadline(request.deadline, clock) };
          const req = serializers<unknown>(request.method.requestType);
          const res = serializers<unknown>(request.method.responseType);
          try {
            if (!request.method.responseStream) {
              const call = client.makeUnaryRequest(request.path, req.serialize, res.deserialize, request.message, metadata, callOptions, (error, message) => {
                done();
                // The caller's own end (its signal or deadline) names the failure, else the status grpc-js reported.
                if (error) reject(ended ?? fromGrpcError(error));
                else resolve({ stream: false, message });
              });
              onEnd = () => call.cancel();
              return;
            }
            const call = client.makeServerStreamRequest(request.path, req.serialize, res.deserialize, request.message, metadata, callOptions);
            onEnd = () => call.cancel();
            resolve({ stream: true, messages: readStream(call, (error) => ended ?? fromGrpcError(error), done) });
          } catch (error) {
            // grpc-js refused to start the call (its channel closed under it): the slot goes back.
            done();
            reject(fromGrpcError(error));
          }
        };
        if (admitted) return send();
        // No slot free: wait in line; a caller that gives up meanwhile leaves the line and never reaches the server.
        const leave = slots.enqueue(request.deadline, send, fail);
        onEnd = (error) => {
          leave();
          fail(error);
        };
      });
    },
    close() {
      slots.close();
      client.close();
    },
  };
}

/**
 * The messages of a grpc-js server stream. Stopping early (break, throw,
 * return) cancels the call, so the server's handler stops too.
 */
async function* readStream(call: ClientReadableStream<unknown>, failure: (error: unknown) => RpcError, cleanup: () => void): AsyncGenerator<unknown> {
  let ended = false;
  try {
    for await (const message of call) yield message;
    ended = true;
  } catch (error) {
    ended = true;
    throw failure(error);
  } finally {
    cleanup();
    if (!ended) call.cancel();
  }
}
