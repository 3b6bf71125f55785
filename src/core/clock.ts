/**
 * Time as the domain sees it. Services, the simulator and the middleware get a
 * Clock injected and never read the wall clock themselves, so a run can use
 * virtual time and replay exactly.
 */
export interface Clock {
  /** Whole milliseconds since the Unix epoch, like a real clock (virtual in the simulator). */
  now(): number;
  /** Calls `fn` once after `ms`; returns a function that cancels the timer. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** Resolves after `ms` on `clock`; rejects with the signal's reason if it aborts first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal === undefined) return new Promise((resolve) => void clock.setTimer(ms, resolve));
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      cancel();
      reject(signal.reason);
    };
    const cancel = clock.setTimer(ms, () => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
