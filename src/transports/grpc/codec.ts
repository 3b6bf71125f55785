import { decodeMessage, encodeMessage } from "../message-bytes.js";
import type { MessageType } from "../definition.js";

/** 4 MiB, gRPC's usual message size limit. */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** `bytes` as the Buffer grpc-js wants to send: a view of the same memory (encodeMessage's bytes already live in Node's Buffer pool). */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A plain Uint8Array over the same memory as `buffer` (no copy), so that bytes
 * fields decode as Uint8Array views, as on every other transport, not as Buffers.
 */
export function fromBuffer(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** grpc-js serialize/deserialize functions for one message type of a generated definition. */
export interface Serializers<T> {
  readonly serialize: (message: T) => Buffer;
  /** Throws on bytes that are not a valid message (grpc-js turns that into INTERNAL). */
  readonly deserialize: (bytes: Buffer) => T;
}

const made = new WeakMap<MessageType<unknown>, Serializers<unknown>>();

/** The serializers for `type`: its protobuf `encode(...).finish()` and `decode`; made once per type, as a client needs them on every call. */
export function serializers<T>(type: MessageType<T>): Serializers<T> {
  let pair = made.get(type as MessageType<unknown>) as Serializers<T> | undefined;
  if (pair === undefined) {
    pair = {
      serialize: (message) => toBuffer(encodeMessage(type, message)),
      deserialize: (bytes) => decodeMessage(type, fromBuffer(bytes)),
    };
    made.set(type as MessageType<unknown>, pair as Serializers<unknown>);
  }
  return pair;
}
