import { Client, credentials, type ChannelOptions } from "@grpc/grpc-js";
import type { Clock } from "../../core/clock.js";
import type { CallRequest, CallResponse, Transport } from "../call.js";
import { systemClock } from "../system-clock.js";
import { CallSlots } from "./call-slots.js";
import { ClientCall, type Channel } from "./client-call.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./codec.js";

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

  const channel: Channel = { client, slots, clock };

  return {
    call: (request: CallRequest): Promise<CallResponse> => new ClientCall(channel, request).start(),
    close() {
      slots.close();
      client.close();
    },
  };
}
