import { watchResources } from "./resources.js";
import { StepRecorder, type StepResult } from "./step.js";
import type { LoadTarget } from "./target.js";

/** Options of {@link runOpenStep}. */
export interface OpenStepOptions {
  /** Intended iterations per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** Iterations running at once at most; past it, the next ones wait (and their wait counts in their latency). */
  readonly maxInFlight: number;
  readonly retries?: () => number;
}

/** How often the sender wakes up to start the iterations that are due, ms. */
const TICK_MS = 1;

/**
 * Open loop at a fixed arrival rate, with coordinated omission corrected as
 * wrk2 does: iteration i is due at start + i / rate whether or not earlier
 * ones answered, and its latency counts from that intended time, so a stall
 * shows as the queue it builds, not as fewer, happier samples.
 */
export async function runOpenStep(target: LoadTarget, options: OpenStepOptions): Promise<StepResult> {
  target.resetSteps();
  const recorder = new StepRecorder();
  const retries0 = options.retries?.() ?? 0;
  const resources = watchResources();
  const started = performance.now();
  const intervalMs = 1000 / options.rate;
  const total = Math.max(1, Math.floor((options.durationMs / 1000) * options.rate));
  let sent = 0;
  let inFlight = 0;
  let lateStarts = 0;
  const running = new Set<Promise<void>>();
  while (sent < total) {
    const now = performance.now();
    // Start every iteration that is due, as far as the in-flight cap allows.
    while (sent < total && started + sent * intervalMs <= now && inFlight < options.maxInFlight) {
      const intended = started + sent * intervalMs;
      if (now - intended > Math.max(TICK_MS * 2, intervalMs)) lateStarts++;
      sent++;
      inFlight++;
      const run = recorder.run(target, intended).finally(() => {
        inFlight--;
        running.delete(run);
      });
      running.add(run);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(running);
  const durationMs = performance.now() - started;
  return recorder.result(
    { mode: "open", vus: null, rate: options.rate, durationMs, lateStarts, retries: (options.retries?.() ?? 0) - retries0, resources: resources.stop() },
    target,
  );
}
