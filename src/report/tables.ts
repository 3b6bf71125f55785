import type { BenchReport } from "../../bench/run.js";
import type { LoadReport } from "../load/run-load.js";
import type { CrashReport } from "./crash-runs.js";

/** A table as header and rows of cells (plain text), rendered as HTML or Markdown. */
export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const n = (x: number, digits = 1) => x.toFixed(digits);
/** The target of issue 6: a project transport within 10% of its raw library. */
export const RATIO_TARGET = 1.1;

/** Every load step of every run. */
export function loadTable(loads: readonly LoadReport[]): Table {
  return {
    title: "Load steps (latency in ms; errors by code)",
    header: ["workload", "transport", "load", "it/s", "mean", "p50", "p90", "p99", "p99.9", "max", "errors", "CPU %", "max RSS MiB"],
    rows: loads.flatMap((l) =>
      l.steps.map((s) => [
        l.workload,
        l.transport,
        s.mode === "closed" ? `${s.vus} VUs` : `${s.rate}/s open`,
        n(s.throughput, 0),
        n(s.latencyMs.mean, 2),
        n(s.latencyMs.p50, 2),
        n(s.latencyMs.p90, 2),
        n(s.latencyMs.p99, 2),
        n(s.latencyMs.p999, 2),
        n(s.latencyMs.max, 2),
        `${n(s.errorRate * 100, 2)}%${Object.keys(s.errors).length ? ` (${Object.entries(s.errors).map(([c, k]) => `${c} ${k}`).join(", ")})` : ""}`,
        n(s.resources.cpuPercent, 0),
        String(s.resources.maxRssMiB),
      ]),
    ),
  };
}

/** Each transport's per-call cost and its ratio to the raw baseline, with the 10% target. */
export function benchTable(bench: BenchReport): Table {
  const ratio = (r: number | null) => (r === null ? "(baseline)" : `${r.toFixed(2)}× ${r <= RATIO_TARGET ? "✓" : "✗"}`);
  return {
    title: `Per call, same process (${bench.machine.cpus} × ${bench.machine.cpuModel}, Node ${bench.machine.node})`,
    header: ["call", "transport", "µs/call", "p99 µs", "× raw", `µs/call @${bench.inFlight}`, `× raw @${bench.inFlight}`, "baseline"],
    rows: bench.transports.map((r) => [r.call, r.transport, n(r.sequentialUs), n(r.sequentialP99Us, 0), ratio(r.sequentialRatio), n(r.concurrentUs), ratio(r.concurrentRatio), r.baseline ?? "-"]),
  };
}

/** Codec and sql.js costs. */
export function microTable(bench: BenchReport): Table {
  return {
    title: "Per operation (tinybench mean)",
    header: ["group", "operation", "µs", "bytes"],
    rows: bench.micro.map((m) => [m.group, m.name, n(m.us, 2), m.bytes === undefined ? "" : String(m.bytes)]),
  };
}

/** Whole simulated checkouts and simulator speed. */
export function simTable(bench: BenchReport): Table {
  return {
    title: "Whole seeded checkouts through runCheckout",
    header: ["transport", "scenario", "arrival every", "orders", "checkouts/wall s", "sim events/s", "invariants"],
    rows: bench.runs.map((r) => [r.transport, r.scenario, `${r.intervalMs} ms`, String(r.orders), n(r.checkoutsPerSecond, 0), r.transport === "sim" ? n(r.eventsPerSecond, 0) : "-", r.ok ? "ok" : "FAILED"]),
  };
}

/** The crash runs. */
export function crashTable(crash: CrashReport): Table {
  return {
    title: `crash-pagamentos (${crash.orders} orders, one every ${crash.intervalMs} ms)`,
    header: ["transport", "completed", "cancelled", "pending", "retries", "errors", "p50 ms", "p99 ms", "max ms", "invariants", "wall ms"],
    rows: crash.runs.map((r) => [
      r.transport,
      String(r.orders.completed),
      String(r.orders.cancelled),
      String(r.orders.pending),
      String(r.retries),
      Object.entries(r.errors).map(([c, k]) => `${c} ${k}`).join(", ") || "none",
      n(r.latencyMs.p50),
      n(r.latencyMs.p99),
      n(r.latencyMs.max),
      r.invariantsOk ? "ok" : "FAILED",
      String(r.wallMs),
    ]),
  };
}
