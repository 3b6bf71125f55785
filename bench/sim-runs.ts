/** Whole seeded checkouts through runCheckout: checkouts per wall second, and simulator events per second. */
import { performance } from "node:perf_hooks";
import { runCheckout, type CheckoutRunOptions } from "../src/sim/checkout-run.js";
import { Scheduler } from "../src/sim/scheduler.js";
import { systemClock } from "../src/transports/system-clock.js";

/** One whole run. */
export interface SimRun {
  readonly scenario: string;
  readonly transport: "sim" | "inproc";
  readonly intervalMs: number;
  readonly orders: number;
  readonly wallMs: number;
  readonly checkoutsPerSecond: number;
  /** This process's CPU time (user + system, every thread: the JIT and GC run beside the loop) per placed checkout; unlike wall time, not stretched while the machine serves others. */
  readonly cpuUsPerCheckout: number;
  /** Virtual ms simulated per wall ms (sim only). */
  readonly virtualPerWall: number;
  /** Scheduler events per wall second (sim only). */
  readonly eventsPerSecond: number;
  readonly ok: boolean;
  /** The run's trace hash: the same seed and plan give the same hash, whatever the code's speed. */
  readonly traceHash: string;
  /** When the run is the median of several ({@link repeatedSimRuns}): how many, and the slowest and fastest. */
  readonly repeats?: number;
  readonly checkoutsPerSecondMin?: number;
  readonly checkoutsPerSecondMax?: number;
}

/** The runs of the bench: inproc and sim at a fast arrival rate, sim under chaos, sim with sparse arrivals. */
export const SIM_RUNS = [
  ["baseline", 5, "inproc"],
  ["baseline", 5, "sim"],
  ["chaos", 5, "sim"],
  ["baseline", 1000, "sim"],
] as const;

/** The options of the bench's seeded checkout runs (seed 1, 16 orders in flight). */
export function simRunOptions(scenario: string, transport: "sim" | "inproc", orders: number, intervalMs: number): CheckoutRunOptions {
  return { seed: 1, orders, concurrency: 16, transport, wallClock: transport === "sim" ? new Scheduler() : systemClock, scenario, intervalMs };
}

/** Runs one seeded checkout and times it. */
export async function simRun(scenario: string, transport: "sim" | "inproc", orders: number, intervalMs: number): Promise<SimRun> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const { report, stores } = await runCheckout(simRunOptions(scenario, transport, orders, intervalMs));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  // Free the run's databases: a bench makes dozens of runs, which would otherwise pile up in sql.js's memory.
  for (const store of Object.values(stores)) store.close();
  return {
    scenario,
    transport,
    intervalMs,
    orders,
    wallMs,
    checkoutsPerSecond: (report.orders.placed / wallMs) * 1000,
    cpuUsPerCheckout: (cpu.user + cpu.system) / report.orders.placed,
    virtualPerWall: report.virtualMs / wallMs,
    eventsPerSecond: (report.events / wallMs) * 1000,
    ok: report.invariants.every((i) => i.ok),
    traceHash: report.traceHash,
  };
}

/**
 * Every run of `list` `repeats` times, in rounds (each round runs the whole
 * list once, so a change in the machine's load hits every run alike), each
 * reported as its median run with the range: one run of a noisy shared
 * machine swings by a quarter.
 */
export async function repeatedSimRuns(
  list: readonly (readonly [scenario: string, intervalMs: number, transport: "sim" | "inproc"])[],
  orders: number,
  repeats: number,
): Promise<SimRun[]> {
  const all: SimRun[][] = list.map(() => []);
  for (let round = 0; round < repeats; round++) {
    for (const [i, [scenario, intervalMs, transport]] of list.entries()) all[i]!.push(await simRun(scenario, transport, orders, intervalMs));
  }
  return all.map((runs) => {
    const sorted = [...runs].sort((a, b) => a.checkoutsPerSecond - b.checkoutsPerSecond);
    const median = sorted[(sorted.length - 1) >> 1]!;
    return {
      ...median,
      ok: runs.every((r) => r.ok),
      repeats: runs.length,
      checkoutsPerSecondMin: sorted[0]!.checkoutsPerSecond,
      checkoutsPerSecondMax: sorted.at(-1)!.checkoutsPerSecond,
    };
  });
}

/** The simulator's speed targets (issue 4), judged on the median runs. */
const TARGETS = { checkoutsPerSecond: 3000, virtualPerWall: 1000 } as const;

/** The verdict on each target, for the bench's baseline runs at 5 and 1000 ms arrivals. */
export function targetLines(runs: readonly SimRun[]): string[] {
  const fast = runs.find((r) => r.transport === "sim" && r.scenario === "baseline" && r.intervalMs === 5);
  const sparse = runs.find((r) => r.transport === "sim" && r.scenario === "baseline" && r.intervalMs === 1000);
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  const lines = ["targets on the median runs (slowest run in brackets):"];
  if (fast) {
    lines.push(
      `  sim baseline, 5 ms arrivals: ${Math.round(fast.checkoutsPerSecond)} checkouts/wall s [${Math.round(fast.checkoutsPerSecondMin ?? fast.checkoutsPerSecond)}], ` +
        `target ${TARGETS.checkoutsPerSecond}: ${verdict(fast.checkoutsPerSecond >= TARGETS.checkoutsPerSecond)}`,
    );
  }
  if (sparse) {
    const slowest = sparse.virtualPerWall * ((sparse.checkoutsPerSecondMin ?? sparse.checkoutsPerSecond) / sparse.checkoutsPerSecond);
    lines.push(
      `  sim baseline, 1000 ms arrivals: ${Math.round(sparse.virtualPerWall)}x faster than real time [${Math.round(slowest)}x], ` +
        `target ${TARGETS.virtualPerWall}x: ${verdict(sparse.virtualPerWall >= TARGETS.virtualPerWall)}`,
    );
  }
  return lines;
}
