/**
 * Bytes that arrive in chunks, kept as they came and joined once when they are
 * all there (no copy at all for a single chunk, the usual case), so collecting
 * a body or a long line costs linear time.
 */
export class ChunkList {
  #first: Buffer | undefined;
  #more: Buffer[] | undefined;
  #size = 0;

  /** Bytes held. */
  get size(): number {
    return this.#size;
  }

  /** Keeps `chunk` after the others. */
  push(chunk: Buffer): void {
    this.#size += chunk.length;
    if (this.#first === undefined) this.#first = chunk;
    else (this.#more ??= [this.#first]).push(chunk);
  }

  /** All the bytes held, then `tail` if given, as one buffer; empties the list. */
  take(tail?: Buffer): Buffer {
    if (tail !== undefined && tail.length > 0) this.push(tail);
    const bytes = this.#more ? Buffer.concat(this.#more, this.#size) : (this.#first ?? EMPTY);
    this.clear();
    return bytes;
  }

  /** Drops what it holds. */
  clear(): void {
    this.#first = this.#more = undefined;
    this.#size = 0;
  }
}

const EMPTY = Buffer.alloc(0);
