import { watchResources } from "./resources.js";
import { StepRecorder, type StepResult } from "./step.js";
import type { LoadTarget } from "./target.js";

/** Options of {@link runClosedStep}. */
export interface ClosedStepOptions {
  readonly vus: number;
  /** How long virtual users start new iterations, ms; the ones running then are waited for. */
  readonly durationMs: number;
  /** Counted retries so far (read before and after), if the target counts them. */
  readonly retries?: () => number;
}

/**
 * Closed loop, as k6 runs seed 001's test: `vus` virtual users, each sending
 * its next iteration as soon as the previous one answered, for `durationMs`.
 * Throughput is then what the system sustains with that many users waiting;
 * latency is per iteration, from its send.
 */
export async function runClosedStep(target: LoadTarget, options: ClosedStepOptions): Promise<StepResult> {
  target.resetSteps();
  const recorder = new StepRecorder();
  const retries0 = options.retries?.() ?? 0;
  const resources = watchResources();
  const started = performance.now();
  const endAt = started + options.durationMs;
  const user = async () => {
    while (performance.now() < endAt) await recorder.run(target, performance.now());
  };
  await Promise.all(Array.from({ length: options.vus }, user));
  const durationMs = performance.now() - started;
  return recorder.result(
    { mode: "closed", vus: options.vus, rate: null, durationMs, lateStarts: 0, retries: (options.retries?.() ?? 0) - retries0, resources: resources.stop() },
    target,
  );
}
