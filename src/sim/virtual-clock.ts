import type { Clock } from "../core/clock.js";

/** Where virtual time starts: 2025-01-01T00:00:00Z, so dates in the databases are stable. */
export const SIM_EPOCH_MS = Date.UTC(2025, 0, 1);

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to. Timers fire in (time, creation order)
 * when time is advanced past them, so runs on it are deterministic.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(startMs = SIM_EPOCH_MS) {
    this.#now = startMs;
  }

  /** The current virtual time. */
  now(): number {
    return this.#now;
  }

  /** Schedules `fn` at now + ms (never in the past). */
  setTimer(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time to `ms`, firing every due timer in order. */
  advanceTo(ms: number): void {
    for (;;) {
      this.#timers = this.#timers.filter((t) => !t.cancelled);
      const due = this.#timers.filter((t) => t.at <= ms).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers.splice(this.#timers.indexOf(due), 1);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = Math.max(this.#now, ms);
  }
}
