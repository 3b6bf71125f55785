import os from "node:os";
import { startCheckoutTarget } from "./checkout-target.js";
import { runClosedStep } from "./closed-loop.js";
import { startHelloTarget } from "./hello-target.js";
import { runOpenStep } from "./open-loop.js";
import { watchResources, type ResourceUse } from "./resources.js";
import type { StepResult } from "./step.js";
import type { LoadTarget, LoadTransport, LoadWorkload } from "./target.js";

/** Seed 001's ladder of virtual users. */
export const DEFAULT_LADDER = [25, 50, 100, 200, 400, 800, 1600, 3200] as const;

/** Options of {@link runLoad}. */
export interface LoadOptions {
  readonly workload: LoadWorkload;
  readonly transport: LoadTransport;
  /** Closed-loop steps, by virtual users (empty: none). */
  readonly vus: readonly number[];
  /** Open-loop step at this many iterations per second, after the closed steps (undefined: none). */
  readonly rate?: number;
  readonly stepDurationMs: number;
  /** No step starts once this much wall time has passed since the run began (it stops by itself). */
  readonly budgetMs: number;
  /** Open loop: iterations running at once at most. */
  readonly maxInFlight: number;
  /** Hello workload: deadline of each call, ms. */
  readonly timeoutMs: number;
  /** Unrecorded warm-up before the first step, ms. */
  readonly warmupMs: number;
  readonly seed: number;
  /** Told of each finished step. */
  readonly onStep?: (step: StepResult) => void;
}

/** What `npm run load -- --json FILE` writes. */
export interface LoadReport {
  readonly kind: "load";
  readonly workload: LoadWorkload;
  readonly transport: LoadTransport;
  readonly seed: number;
  readonly stepDurationMs: number;
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel: string };
  readonly steps: readonly StepResult[];
  /** Steps left out because the time budget ran out (VUs, or the rate). */
  readonly skipped: readonly string[];
  /**
   * Promise rejections nobody handled during the run (a bug in the system under load, not the load tool):
   * counted, with the first message, instead of killing the run.
   */
  readonly unhandledRejections: { readonly count: number; readonly first: string | null };
  /** The whole run, deployment included. */
  readonly resources: ResourceUse;
  readonly wallMs: number;
}

/** Deploys the workload's system on the transport (loopback only), runs the steps, closes it, and reports. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const started = performance.now();
  const whole = watchResources();
  const unhandled = { count: 0, first: null as string | null };
  const onUnhandled = (reason: unknown) => {
    unhandled.count++;
    unhandled.first ??= reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  };
  process.on("unhandledRejection", onUnhandled);
  let retries = () => 0;
  let target: LoadTarget;
  if (options.workload === "checkout") {
    const checkout = await startCheckoutTarget({ transport: options.transport, seed: options.seed });
    retries = () => checkout.counters.retries;
    target = checkout;
  } else {
    target = await startHelloTarget({ transport: options.transport, timeoutMs: options.timeoutMs });
  }
  const steps: StepResult[] = [];
  const skipped: string[] = [];
  const fits = () => performance.now() - started + options.stepDurationMs <= options.budgetMs;
  try {
    if (options.warmupMs > 0) await runClosedStep(target, { vus: Math.min(16, options.vus[0] ?? 16), durationMs: options.warmupMs });
    for (const vus of options.vus) {
      if (!fits()) {
        skipped.push(`${vus} VUs`);
        continue;
      }
      const step = await runClosedStep(target, { vus, durationMs: options.stepDurationMs, retries });
      steps.push(step);
      options.onStep?.(step);
    }
    if (options.rate !== undefined) {
      if (fits()) {
        const step = await runOpenStep(target, { rate: options.rate, durationMs: options.stepDurationMs, maxInFlight: options.maxInFlight, retries });
        steps.push(step);
        options.onStep?.(step);
      } else skipped.push(`${options.rate}/s`);
    }
  } finally {
    await target.close();
    process.off("unhandledRejection", onUnhandled);
  }
  return {
    kind: "load",
    workload: options.workload,
    transport: options.transport,
    seed: options.seed,
    stepDurationMs: options.stepDurationMs,
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown" },
    steps,
    skipped,
    unhandledRejections: unhandled,
    resources: whole.stop(),
    wallMs: Math.round(performance.now() - started),
  };
}
