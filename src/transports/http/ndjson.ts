import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

/** Longest line a streamed answer may hold before the client gives up on it. Default of {@link splitLines}. */
export const MAX_LINE_CHARS = 64 << 20;

/**
 * Splits a byte stream into its lines (UTF-8, `\n`-terminated; `\r\n` too),
 * skipping blank ones; the last line needs no terminator.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>, maxLineChars = MAX_LINE_CHARS): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== "") yield line;
    }
    if (pending.length > maxLineChars) throw new RpcError(Code.RESOURCE_EXHAUSTED, `a streamed message is longer than ${maxLineChars} characters`);
  }
  const last = (pending + decoder.decode()).trim();
  if (last !== "") yield last;
}
