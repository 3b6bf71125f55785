/** What a {@link LineReader} makes of the bytes so far. */
export type LineEvent =
  /** A complete line, without its `\n` (nor a `\r` just before it). */
  | { readonly kind: "line"; readonly bytes: Buffer }
  /** A line grew past the limit: reported once, the rest of it up to its `\n` is dropped. */
  | { readonly kind: "too-long" };

/**
 * Splits a byte stream into `\n`-terminated lines of at most `maxLineBytes`
 * bytes (not counting the line ending). Each line yields exactly one event, so
 * a server answering every event answers every line once, however long. A
 * partial line is held until its `\n` arrives; bytes after the last `\n` of a
 * stream that ends are not a line.
 */
export class LineReader {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #discarding = false;

  constructor(private readonly maxLineBytes: number) {}

  /** Feeds a chunk; returns the events it completes, in order. */
  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (!this.#discarding) {
        // One byte of slack for the `\r` of a `\r\n` ending, which is not part of the line.
        if (this.#pendingBytes + piece.length > this.maxLineBytes + 1) {
          events.push({ kind: "too-long" });
          this.#discarding = true;
          this.#pending = [];
          this.#pendingBytes = 0;
        } else if (piece.length > 0) {
          this.#pending.push(piece);
          this.#pendingBytes += piece.length;
        }
      }
      if (nl === -1) break;
      if (this.#discarding) {
        this.#discarding = false;
      } else {
        let line = Buffer.concat(this.#pending, this.#pendingBytes);
        if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
        if (line.length > this.maxLineBytes) events.push({ kind: "too-long" });
        else events.push({ kind: "line", bytes: line });
      }
      this.#pending = [];
      this.#pendingBytes = 0;
      start = nl + 1;
    }
    return events;
  }
}
