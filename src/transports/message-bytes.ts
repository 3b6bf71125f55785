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
  /** `#scratch`'s first n bytes, by n: made once, not per value. */
  readonly #views = Array.from({ length: 9 }, (_, n) => this.#scratch.subarray(0, n));

  /**
   * The bytes written, as a slice of Node's shared Buffer pool, and the writer
   * reset. The library's finish() slices them into a new ArrayBuffer per
   * message: a backing store to allocate, or, for up to 64 bytes, an array on
   * V8's heap that the next reader's DataView has to move off it; either costs
   * about a microsecond, more than encoding a small message. This reads the
   * writer's private `buffer`, `pos` and `stackPos` (@bufbuild/protobuf is
   * pinned; test/transports/message-bytes.test.ts compares every result with
   * the library's own bytes).
   */
  override finish(): Uint8Array<ArrayBuffer> {
    const state = this as unknown as WriterState;
    const pooled = Buffer.allocUnsafe(state.pos);
    pooled.set(state.buffer.subarray(0, state.pos));
    state.pos = 0;
    state.stackPos = [];
    // A plain Uint8Array over the same memory: bytes fields then decode as Uint8Array views, not Buffers.
    return new Uint8Array(pooled.buffer as ArrayBuffer, pooled.byteOffset, pooled.byteLength);
  }

  override int64(value: string | number | bigint): this {
    if (typeof value !== "number" || value < 0 || !Number.isSafeInteger(value)) return super.int64(value);
    if (value < TWO_TO_32) return this.uint32(value);
    // Its low 32 bits and the rest (under 2^21), in 7-bit groups as protobuf's varint64 writes them.
    const lo = value >>> 0;
    let hi = (value - lo) / TWO_TO_32;
    const bytes = this.#scratch;
    bytes[0] = (lo & 0x7f) | 0x80;
    bytes[1] = ((lo >>> 7) & 0x7f) | 0x80;
    bytes[2] = ((lo >>> 14) & 0x7f) | 0x80;
    bytes[3] = ((lo >>> 21) & 0x7f) | 0x80;
    let group = (lo >>> 28) | ((hi & 0x7) << 4);
    hi >>>= 3;
    let length = 4;
    for (; hi > 0; hi >>>= 7) {
      bytes[length++] = group | 0x80;
      group = hi & 0x7f;
    }
    bytes[length++] = group;
    return this.raw(this.#views[length]!);
  }
}

/** The private state of @bufbuild's BinaryWriter that {@link NumberInt64Writer.finish} reads and resets. */
interface WriterState {
  buffer: Uint8Array;
  pos: number;
  stackPos: number[];
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

/**
 * The protobuf bytes of `message`, the caller's own: no later encoding writes
 * them. They are a view into Node's shared Buffer pool, so read their `.buffer`
 * only with `byteOffset` and `byteLength`, and never transfer it.
 */
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
