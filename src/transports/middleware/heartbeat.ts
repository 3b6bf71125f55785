import type { Clock } from "../../core/clock.js";

/** Options of {@link startHeartbeats}. */
export interface HeartbeatOptions {
  readonly clock: Clock;
  /** Time between beats, in ms. */
  readonly intervalMs: number;
  /**
   * Sends one beat: a registry handle's `beat`, or a call over a (simulated)
   * link to the registry. It may be async; a failed beat is simply a missed one.
   */
  readonly beat: () => void | Promise<void>;
  /** Beat once at start, before the first interval passes. Default: true. */
  readonly immediate?: boolean;
  /** Told about each beat that threw or rejected (e.g. to count them). Default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Beats every `intervalMs` on the clock, at a fixed rate: a slow or lost beat
 * does not delay the next one. Returns a function that stops the beats (a beat
 * already on its way may still arrive).
 */
export function startHeartbeats(options: HeartbeatOptions): () => void {
  const { clock, intervalMs } = options;
  if (!(intervalMs > 0)) throw new RangeError(`heartbeat interval must be > 0, got ${intervalMs}`);
  let stopped = false;
  let cancel = () => {};
  const failed = (error: unknown) => options.onError?.(error);
  const beat = () => {
    try {
      const result = options.beat();
      if (result) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  };
  const tick = () => {
    if (stopped) return;
    cancel = clock.setTimer(intervalMs, tick);
    beat();
  };
  if (options.immediate ?? true) beat();
  if (!stopped) cancel = clock.setTimer(intervalMs, tick);
  return () => {
    stopped = true;
    cancel();
  };
}
