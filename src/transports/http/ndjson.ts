import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

/** Longest line a streamed answer may hold before the client gives up on it, in bytes. Default of {@link LineSplitter}. */
export const MAX_LINE_BYTES = 64 << 20;

const NEWLINE = 0x0a;

/**
 * Splits a byte stream, fed chunk by chunk, into its lines (UTF-8,
 * `\n`-terminated; `\r\n` too), skipping blank ones; the last line needs no
 * terminator. Synchronous, so a reader can decode a chunk's lines as it gets
 * it. It splits bytes, not text: a `\n` byte is never inside a multi-byte
 * UTF-8 character, so only the complete lines are decoded, once, and a
 * character cut between two chunks waits with its line's bytes.
 */
export class LineSplitter {
  #pending: Buffer | undefined;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  /** The lines `chunk` completes; throws RESOURCE_EXHAUSTED when an unfinished line grows past the limit. */
  push(chunk: Buffer): string[] {
    const bytes = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    const last = bytes.lastIndexOf(NEWLINE);
    if (last < 0) {
      this.#keep(bytes);
      return [];
    }
    if (last + 1 < bytes.length) this.#keep(bytes.subarray(last + 1));
    else this.#pending = undefined;
    return linesOf(bytes.toString("utf8", 0, last));
  }

  /** The last line, if the stream did not end with a newline. */
  end(): string | undefined {
    const rest = this.#pending;
    this.#pending = undefined;
    const last = rest?.toString("utf8").trim();
    return last ? last : undefined;
  }

  #keep(bytes: Buffer): void {
    if (bytes.length > this.maxLineBytes) throw new RpcError(Code.RESOURCE_EXHAUSTED, `a streamed message is longer than ${this.maxLineBytes} bytes`);
    this.#pending = bytes;
  }
}

/** The non-blank lines of `text`, trimmed. */
function linesOf(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    if (line !== "") lines.push(line);
    start = end + 1;
  }
  return lines;
}
