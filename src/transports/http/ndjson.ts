import { Code } from "../codes.js";
import { ChunkList } from "./chunk-list.js";
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
  /** The bytes of the unfinished line, as the chunks brought them (joined once, when the line ends). */
  readonly #pending = new ChunkList();
  /** The limit error of a line that grew too long, raised after the complete lines before it were returned. */
  #overflow: RpcError | undefined;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  /** The lines `chunk` completes; throws RESOURCE_EXHAUSTED once an unfinished line has grown past the limit. */
  push(chunk: Buffer): string[] {
    if (this.#overflow) throw this.#overflow;
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < 0) {
      this.#keep(chunk);
      if (this.#overflow) throw this.#overflow;
      return [];
    }
    const text = this.#pending.take(chunk.subarray(0, last)).toString("utf8");
    if (last + 1 < chunk.length) this.#keep(chunk.subarray(last + 1));
    return linesOf(text);
  }

  /** The last line, if the stream did not end with a newline. */
  end(): string | undefined {
    if (this.#overflow) throw this.#overflow;
    const rest = this.#pending.take().toString("utf8").trim();
    return rest ? rest : undefined;
  }

  #keep(bytes: Buffer): void {
    this.#pending.push(bytes);
    if (this.#pending.size > this.maxLineBytes) this.#overflow = new RpcError(Code.RESOURCE_EXHAUSTED, `a streamed message is longer than ${this.maxLineBytes} bytes`);
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
