import { performance } from "node:perf_hooks";
import { runCheckout } from "../sim/checkout-run.js";
import { Scheduler } from "../sim/scheduler.js";
import type { LatencySummary } from "../sim/stats.js";
import { systemClock } from "../transports/system-clock.js";

/** How one architecture went through a crash of Pagamentos. */
export interface CrashRun {
  readonly transport: "sim" | "grpc" | "http";
  readonly scenario: string;
  readonly orders: { readonly placed: number; readonly completed: number; readonly cancelled: number; readonly pending: number };
  readonly retries: number;
  /** Failed CriarPedido calls as the client saw them, by code. */
  readonly errors: Readonly<Record<string, number>>;
  /** CriarPedido latency as the client saw it, ms of the run's clock (virtual on sim). */
  readonly latencyMs: LatencySummary;
  readonly invariantsOk: boolean;
  readonly wallMs: number;
}

/** What the report needs from the crash runs: the runs and their size. */
export interface CrashReport {
  readonly kind: "crash";
  readonly orders: number;
  readonly intervalMs: number;
  readonly runs: readonly CrashRun[];
}

/**
 * The crash-pagamentos scenario (Pagamentos crashes at 30% of the arrival
 * window and restarts 20% later) through runCheckout on the simulator and on
 * real gRPC and HTTP servers, small enough to take seconds.
 */
export async function runCrashComparison(orders = 60, intervalMs = 20): Promise<CrashReport> {
  const scenario = "crash-pagamentos";
  const runs: CrashRun[] = [];
  for (const transport of ["sim", "grpc", "http"] as const) {
    const started = performance.now();
    const { report } = await runCheckout({
      seed: 1,
      orders,
      concurrency: 8,
      transport,
      wallClock: transport === "sim" ? new Scheduler() : systemClock,
      scenario,
      intervalMs,
    });
    runs.push({
      transport,
      scenario,
      orders: report.orders,
      retries: report.retries,
      errors: report.errors,
      latencyMs: report.latencyMs,
      invariantsOk: report.invariants.every((i) => i.ok),
      wallMs: Math.round(performance.now() - started),
    });
  }
  return { kind: "crash", orders, intervalMs, runs };
}
