import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

/** Longest line a streamed answer may hold before the client gives up on it. Default of {@link LineSplitter}. */
export const MAX_LINE_CHARS = 64 << 20;

/**
 * Splits a byte stream, fed chunk by chunk, into its lines (UTF-8,
 * `\n`-terminated; `\r\n` too), skipping blank ones; the last line needs no
 * terminator. Synchronous, so a reader can decode a chunk's lines as it gets it.
 */
export class LineSplitter {
  readonly #decoder = new TextDecoder();
  #pending = "";

  constructor(private readonly maxLineChars = MAX_LINE_CHARS) {}

  /** The lines `chunk` completes; throws RESOURCE_EXHAUSTED when an unfinished line grows past the limit. */
  push(chunk: Uint8Array): string[] {
    const text = this.#pending + this.#decoder.decode(chunk, { stream: true });
    const lines: string[] = [];
    let start = 0;
    let newline: number;
    while ((newline = text.indexOf("\n", start)) >= 0) {
      const line = text.slice(start, newline).trim();
      if (line !== "") lines.push(line);
      start = newline + 1;
    }
    this.#pending = start === 0 ? text : text.slice(start);
    if (this.#pending.length > this.maxLineChars) throw new RpcError(Code.RESOURCE_EXHAUSTED, `a streamed message is longer than ${this.maxLineChars} characters`);
    return lines;
  }

  /** The last line, if the stream did not end with a newline. */
  end(): string | undefined {
    const last = (this.#pending + this.#decoder.decode()).trim();
    this.#pending = "";
    return last === "" ? undefined : last;
  }
}
