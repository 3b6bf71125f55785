import { BinaryWriter } from "@bufbuild/protobuf/wire";
import type { MessageType } from "./definition.js";

// One writer for every encode: encoding is synchronous and finish() resets it, so
// its buffer is reused instead of a new one being allocated and grown per message.
const writer = new BinaryWriter();

/** The protobuf bytes of `message` (a copy the caller owns). */
export function encodeMessage<T>(type: MessageType<T>, message: T): Uint8Array {
  try {
    return type.encode(message, writer).finish();
  } catch (error) {
    // A value the encoder refuses (an int32 of 2^32) leaves a half-written message: drop it.
    writer.finish();
    throw error;
  }
}
