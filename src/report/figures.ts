import type { BenchReport } from "../../bench/run.js";
import type { LoadReport } from "../load/run-load.js";
import type { CrashReport } from "./crash-runs.js";
import { barChart, lineChart, type Series } from "./svg.js";

/** One chart of the report, with the sentence under it. */
export interface Figure {
  readonly id: string;
  readonly svg: string;
  readonly caption: string;
}

const closedPoints = (report: LoadReport, pick: (s: LoadReport["steps"][number]) => number): [number, number][] =>
  report.steps.filter((s) => s.mode === "closed").map((s) => [s.vus!, pick(s)]);

/** The load figures per workload: mean and p99 latency vs VUs, throughput vs VUs (seed 001's figures 7 and 8), errors, and per-step latency. */
export function loadFigures(loads: readonly LoadReport[]): Figure[] {
  const figures: Figure[] = [];
  for (const workload of ["checkout", "hello"] as const) {
    const runs = loads.filter((l) => l.workload === workload && l.steps.some((s) => s.mode === "closed"));
    if (runs.length === 0) continue;
    const label = workload === "checkout" ? "checkout (seed 003)" : "hello + stream (seed 001)";
    const series = (pick: (s: LoadReport["steps"][number]) => number, suffix = ""): Series[] => runs.map((r) => ({ name: `${r.transport}${suffix}`, points: closedPoints(r, pick) }));
    figures.push({
      id: `${workload}-latency`,
      svg: lineChart({ title: `${label}: mean and p99 latency vs virtual users`, xLabel: "virtual users (log)", yLabel: "ms (log)", logX: true, logY: true, series: [...series((s) => s.latencyMs.mean, " mean"), ...series((s) => s.latencyMs.p99, " p99")] }),
      caption: "Seed 001's figure 7 redone: latency of one iteration as the virtual users see it, every transport in the same run.",
    });
    figures.push({
      id: `${workload}-throughput`,
      svg: lineChart({ title: `${label}: successful iterations per second vs virtual users`, xLabel: "virtual users (log)", yLabel: "iterations/s", logX: true, series: series((s) => s.throughput) }),
      caption: "Seed 001's figure 8 redone: throughput of successful iterations (failed ones do not count).",
    });
    figures.push({
      id: `${workload}-errors`,
      svg: lineChart({ title: `${label}: error rate vs virtual users`, xLabel: "virtual users (log)", yLabel: "% of iterations failed", logX: true, series: series((s) => s.errorRate * 100) }),
      caption: "Share of iterations that failed; the table below names every error by its code.",
    });
    const top = runs.map((r) => ({ r, step: [...r.steps].reverse().find((s) => s.mode === "closed") })).filter((x) => x.step && Object.keys(x.step.stepsMs).length > 0);
    const paths = [...new Set(top.flatMap((x) => Object.keys(x.step!.stepsMs)))].sort();
    if (workload === "checkout" && paths.length > 0) {
      figures.push({
        id: "checkout-steps",
        svg: barChart({
          title: "checkout: mean latency of each call between services (highest VU step)",
          yLabel: "ms",
          seriesNames: top.map((x) => `${x.r.transport} @${x.step!.vus} VUs`),
          groups: paths.map((path) => ({ label: path.split("/").pop()!, values: top.map((x) => x.step!.stepsMs[path]?.mean ?? null) })),
        }),
        caption: "Per-step latency of the checkout: each bar is one call path as its caller timed it (CriarPedido includes the whole chain under it). In process there are no network hops to time.",
      });
    }
  }
  return figures;
}

/** Each transport's per-call cost next to its raw baseline. */
export function benchFigures(bench: BenchReport): Figure[] {
  const figures: Figure[] = [];
  for (const call of ["unary", "stream"] as const) {
    const rows = bench.transports.filter((r) => r.call === call && (r.transport.includes("grpc") || r.transport.includes("http")));
    figures.push({
      id: `bench-${call}`,
      svg: barChart({
        title: `one ${call === "unary" ? "unary call" : `${bench.streamCount}-message stream`}: project transport vs raw library (µs)`,
        yLabel: "µs per call",
        seriesNames: ["one at a time", `${bench.inFlight} in flight (wall µs per call)`],
        groups: rows.map((r) => ({ label: r.transport.replace(" + proto-loader", ""), values: [r.sequentialUs, r.concurrentUs] })),
      }),
      caption: "Same process, same run, interleaved rounds: the raw libraries as the seeds used them next to the project's transports.",
    });
  }
  return figures;
}

/** How each architecture went through the crash of Pagamentos. */
export function crashFigures(crash: CrashReport): Figure[] {
  const names = crash.runs.map((r) => r.transport);
  return [
    {
      id: "crash-orders",
      svg: barChart({
        title: `crash-pagamentos, ${crash.orders} orders: outcome and retries`,
        yLabel: "count",
        seriesNames: names,
        groups: [
          { label: "completed", values: crash.runs.map((r) => r.orders.completed) },
          { label: "cancelled", values: crash.runs.map((r) => r.orders.cancelled) },
          { label: "pending", values: crash.runs.map((r) => r.orders.pending) },
          { label: "retries", values: crash.runs.map((r) => r.retries) },
        ],
      }),
      caption: "Pagamentos crashes at 30% of the arrival window and restarts 20% later; retries with backoff and Pedidos' recovery loop carry the orders through.",
    },
    {
      id: "crash-latency",
      svg: barChart({
        title: "crash-pagamentos: CriarPedido latency as the client saw it (ms)",
        yLabel: "ms",
        seriesNames: names,
        groups: (["p50", "p90", "p99", "max"] as const).map((k) => ({ label: k, values: crash.runs.map((r) => r.latencyMs[k]) })),
      }),
      caption: "Virtual ms on the simulator, wall ms on gRPC and HTTP: the orders caught by the crash wait for retries, the others do not notice.",
    },
  ];
}
