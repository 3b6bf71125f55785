import { codeName, RpcError } from "../transports/index.js";
import { LatencyHistogram, type LatencySummary } from "./histogram.js";
import type { ResourceUse } from "./resources.js";
import type { LoadTarget } from "./target.js";

/** What one step of a load run measured. */
export interface StepResult {
  readonly mode: "closed" | "open";
  /** Virtual users (closed loop). */
  readonly vus: number | null;
  /** Intended iterations per second (open loop). */
  readonly rate: number | null;
  /** Wall ms from the first send to the last answer. */
  readonly durationMs: number;
  /** Iterations that ended, well or not (ok + errors). */
  readonly iterations: number;
  readonly ok: number;
  /** Failed iterations by status code name (UNAVAILABLE, DEADLINE_EXCEEDED...). */
  readonly errors: Readonly<Record<string, number>>;
  /** The first error message seen per code, to tell what failed. */
  readonly errorSamples: Readonly<Record<string, string>>;
  /** errors / iterations. */
  readonly errorRate: number;
  /** Successful iterations per second. */
  readonly throughput: number;
  /** What the successful iterations returned (the order's final status for a checkout). */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Latency of every iteration (failed ones too), ms; in an open loop from its intended send time. */
  readonly latencyMs: LatencySummary;
  /** Latency of each call inside the system, by method path. */
  readonly stepsMs: Readonly<Record<string, LatencySummary>>;
  /** Open loop: iterations that could not start on time because `maxInFlight` were already running. */
  readonly lateStarts: number;
  /** Calls between services retried (checkout). */
  readonly retries: number;
  readonly resources: ResourceUse;
}

/** Counts iterations of one step: latencies, outcomes and errors by code. */
export class StepRecorder {
  readonly latency = new LatencyHistogram();
  readonly errors: Record<string, number> = {};
  readonly errorSamples: Record<string, string> = {};
  readonly outcomes: Record<string, number> = {};
  ok = 0;

  /** Runs one iteration, timing it from `intendedAt` (a performance.now() reading). */
  async run(target: LoadTarget, intendedAt: number): Promise<void> {
    try {
      const outcome = await target.iteration();
      this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
      this.ok++;
    } catch (error) {
      const rpc = RpcError.from(error);
      const code = codeName(rpc.code);
      this.errors[code] = (this.errors[code] ?? 0) + 1;
      this.errorSamples[code] ??= rpc.message;
    }
    this.latency.record(performance.now() - intendedAt);
  }

  /** The step's result. */
  result(fields: Pick<StepResult, "mode" | "vus" | "rate" | "durationMs" | "lateStarts" | "retries" | "resources">, target: LoadTarget): StepResult {
    const iterations = this.latency.count;
    const failed = iterations - this.ok;
    const stepsMs: Record<string, LatencySummary> = {};
    for (const path of [...target.steps.keys()].sort()) stepsMs[path] = target.steps.get(path)!.summary();
    return {
      ...fields,
      iterations,
      ok: this.ok,
      errors: { ...this.errors },
      errorSamples: { ...this.errorSamples },
      errorRate: iterations === 0 ? 0 : failed / iterations,
      throughput: fields.durationMs > 0 ? (this.ok / fields.durationMs) * 1000 : 0,
      outcomes: { ...this.outcomes },
      latencyMs: this.latency.summary(),
      stepsMs,
    };
  }
}
