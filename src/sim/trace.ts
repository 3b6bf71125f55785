import { createHash, type Hash } from "node:crypto";

/** Characters of trace lines gathered before they are hashed. */
const HASH_CHUNK = 64 * 1024;

/** One line of a run's trace. */
export interface TraceEvent {
  /** Virtual ms, present only when the run's time is deterministic. */
  readonly t?: number;
  readonly [field: string]: unknown;
}

/**
 * A run's trace: every event is hashed as one JSON line, in order, so two
 * runs compare by one hash; the lines themselves are kept only when asked for.
 */
export class Trace {
  readonly #hash: Hash = createHash("sha256");
  readonly #lines: string[] | undefined;
  #count = 0;
  #unhashed = "";

  constructor(options: { keepLines?: boolean } = {}) {
    this.#lines = options.keepLines ? [] : undefined;
  }

  /** Appends an event. */
  record(event: TraceEvent): void {
    const line = JSON.stringify(event);
    // Hashed in chunks: sha256 of the concatenation is the same, and one update per line cost more than the hashing.
    this.#unhashed += `${line}\n`;
    if (this.#unhashed.length >= HASH_CHUNK) this.#flush();
    this.#lines?.push(line);
    this.#count++;
  }

  /** How many events were recorded. */
  get count(): number {
    return this.#count;
  }

  /** The kept lines (JSONL without the newlines), or [] when not kept. */
  get lines(): readonly string[] {
    return this.#lines ?? [];
  }

  /** The sha256 of all lines so far, hex. Ends the trace: record nothing after. */
  digest(): string {
    this.#flush();
    return this.#hash.digest("hex");
  }

  #flush(): void {
    this.#hash.update(this.#unhashed);
    this.#unhashed = "";
  }
}
