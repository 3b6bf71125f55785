import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import type { MessageType } from "./definition.js";

const TWO_TO_32 = 2 ** 32;
/** A varint of up to 7 bytes holds 49 bits: always a safe integer. */
const SAFE_VARINT_BYTES = 7;

/**
 * A writer whose int64 fields (ids, centavos, ms: non-negative safe integers
 * in this domain) skip @bufbuild's BigInt conversion, which costs about as much
 * as the rest of a small message's encoding; any other value takes the
 * library's own path. The bytes are the same varints.
 */
class NumberInt64Writer extends BinaryWriter {
  readonly #scratch = new Uint8Array(8);

  override int64(value: string | number | bigint): this {
    if (typeof value !== "number" || value < 0 || !Number.isSafeInteger(value)) return super.int64(value);
    if (value < TWO_TO_32) return this.uint32(value);
    const bytes = this.#scratch;
    let length = 0;
    let rest = value;
    for (; rest > 0x7f; rest = Math.floor(rest / 128)) bytes[length++] = (rest % 128) | 0x80;
    bytes[length++] = rest;
    return this.raw(bytes.subarray(0, length));
  }
}

/**
 * A reader whose int64 fields are read without a BigInt when they fit in 49
 * bits. It answers the decimal string (one of the two types `int64()` may
 * return), which the generated code turns into its number as it does a BigInt.
 */
class NumberInt64Reader extends BinaryReader {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    super(bytes);
    this.#bytes = bytes;
  }

  override int64(): bigint | string {
    const bytes = this.#bytes;
    let pos = this.pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < SAFE_VARINT_BYTES; i++, scale *= 128) {
      const byte = bytes[pos++];
      if (byte === undefined) break;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.pos = pos;
        return String(value);
      }
    }
    // Longer (a negative int64 takes 10 bytes) or cut short: the library reads it, or says what is wrong.
    return super.int64();
  }
}

// One writer for every encode: encoding is synchronous and finish() resets it, so
// its buffer is reused instead of a new one being allocated and grown per message.
const writer = new NumberInt64Writer();

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

/** The message that protobuf `bytes` hold (throws on bytes that are not one). */
export function decodeMessage<T>(type: MessageType<T>, bytes: Uint8Array): T {
  return type.decode(new NumberInt64Reader(bytes));
}
