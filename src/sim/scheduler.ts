import type { Clock } from "../core/clock.js";

/** Where virtual time starts: 2025-01-01T00:00:00Z, so dates in the databases are stable. */
export const SIM_EPOCH_MS = Date.UTC(2025, 0, 1);

interface Event {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  /** Where the event sits in the heap; -1 once it ran or was cancelled. */
  index: number;
}

/** Lets the promise jobs that an event started run to completion before the next event. */
export type Drain = () => Promise<void>;

/**
 * Virtual time and one event queue ordered by (time, sequence number). The
 * loop runs one event, drains the promise jobs it started, then takes the
 * next; with no real I/O underneath, a run is the same every time.
 */
export class Scheduler implements Clock {
  #now: number;
  #seq = 0;
  #heap: Event[] = [];
  #executed = 0;

  constructor(options: { startMs?: number } = {}) {
    this.#now = options.startMs ?? SIM_EPOCH_MS;
  }

  /** The current virtual time. */
  now(): number {
    return this.#now;
  }

  /** Events run so far. */
  get executed(): number {
    return this.#executed;
  }

  /** Events waiting. */
  get pending(): number {
    return this.#heap.length;
  }

  /** When the next event is due, or undefined when none is. */
  nextAt(): number | undefined {
    return this.#heap[0]?.at;
  }

  /**
   * Runs `fn` at now + ms (never in the past); returns a function that cancels
   * it. A cancelled event leaves the queue at once: most timers are deadlines
   * that never fire, and thousands of dead ones would make every push and pop
   * walk a deeper heap.
   */
  setTimer(ms: number, fn: () => void): () => void {
    const event: Event = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, index: -1 };
    this.#push(event);
    return () => this.#remove(event);
  }

  /**
   * Runs events in order until `stop()` says so, the queue is empty, or the
   * next event lies past `untilMs`. `drain` runs after each event.
   */
  async run(options: { drain: Drain; untilMs?: number; stop?: () => boolean }): Promise<void> {
    const until = options.untilMs ?? Number.POSITIVE_INFINITY;
    await options.drain();
    while (!options.stop?.()) {
      const event = this.#pop();
      if (!event) return;
      if (event.at > until) {
        this.#push(event);
        this.#now = Math.max(this.#now, until);
        return;
      }
      this.#now = event.at;
      this.#executed++;
      event.fn();
      await options.drain();
    }
  }

  /** Runs every event due up to `ms` synchronously (no draining), then sets the time to `ms`. */
  advanceTo(ms: number): void {
    for (;;) {
      const event = this.#pop();
      if (!event) break;
      if (event.at > ms) {
        this.#push(event);
        break;
      }
      this.#now = event.at;
      this.#executed++;
      event.fn();
    }
    this.#now = Math.max(this.#now, ms);
  }

  #pop(): Event | undefined {
    const top = this.#heap[0];
    if (top) this.#remove(top);
    return top;
  }

  #push(event: Event): void {
    event.index = this.#heap.length;
    this.#heap.push(event);
    this.#siftUp(event.index);
  }

  /** Takes `event` out of the heap wherever it is (nothing if it already left). */
  #remove(event: Event): void {
    const heap = this.#heap;
    const i = event.index;
    if (i < 0) return;
    event.index = -1;
    const last = heap.pop()!;
    if (last === event) return;
    heap[i] = last;
    last.index = i;
    if (i > 0 && before(last, heap[(i - 1) >> 1]!)) this.#siftUp(i);
    else this.#siftDown(i);
  }

  #siftUp(i: number): void {
    const heap = this.#heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(i: number): void {
    const heap = this.#heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < heap.length && before(heap[l]!, heap[smallest]!)) smallest = l;
      if (r < heap.length && before(heap[r]!, heap[smallest]!)) smallest = r;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    const a = heap[i]!;
    const b = heap[j]!;
    heap[i] = b;
    heap[j] = a;
    a.index = j;
    b.index = i;
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
