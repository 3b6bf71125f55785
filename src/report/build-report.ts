import type { BenchReport } from "../../bench/run.js";
import type { LoadReport } from "../load/run-load.js";
import { verdict } from "./analysis.js";
import type { CrashReport } from "./crash-runs.js";
import { benchFigures, crashFigures, loadFigures } from "./figures.js";
import type { ReportContent } from "./render.js";
import { benchTable, crashTable, loadTable, microTable, RATIO_TARGET, simTable } from "./tables.js";

/** What the report is built from (any part may be missing). */
export interface ReportInputs {
  readonly bench?: BenchReport;
  readonly loads: readonly LoadReport[];
  readonly crash?: CrashReport;
}

/** Checks a parsed JSON file is one of the three inputs, by its `kind`. */
export function classify(json: unknown, path: string): { bench: BenchReport } | { load: LoadReport } | { crash: CrashReport } {
  const kind = (json as { kind?: unknown } | null)?.kind;
  if (kind === "bench") return { bench: json as BenchReport };
  if (kind === "load") return { load: json as LoadReport };
  if (kind === "crash") return { crash: json as CrashReport };
  throw new Error(`${path} is not a bench, load or crash report (its "kind" is ${JSON.stringify(kind)})`);
}

/** The report's content: the verdict, then a section per input. */
export function buildReport(inputs: ReportInputs, generatedAt: string): ReportContent {
  const sections: ReportContent["sections"][number][] = [];
  if (inputs.loads.length > 0) {
    const notes = [
      "Closed loop as k6 runs seed 001's test: each virtual user sends its next iteration as soon as the previous one answered. Everything runs in one process on loopback (the load generator too), so CPU % and RSS are the whole system's.",
    ];
    const top = inputs.loads.flatMap((l) => {
      const step = [...l.steps].reverse().find((s) => s.mode === "closed");
      return step ? [`${l.workload} over ${l.transport} at ${step.vus} VUs: ${(step.errorRate * 100).toFixed(2)}% errors, max RSS ${l.resources.maxRssMiB} MiB.`] : [];
    });
    const unhandled = inputs.loads.filter((l) => l.unhandledRejections?.count > 0).map((l) => `${l.workload} over ${l.transport}: ${l.unhandledRejections.count} unhandled promise rejection(s) in the system under load (first: ${l.unhandledRejections.first}).`);
    sections.push({ title: "Latency and throughput vs virtual users", notes: [...notes, ...top, ...unhandled], figures: loadFigures(inputs.loads), tables: [loadTable(inputs.loads)] });
  }
  if (inputs.bench) {
    const g = inputs.bench.transports.find((r) => r.transport === "project grpc" && r.call === "unary");
    const h = inputs.bench.transports.find((r) => r.transport === "project http" && r.call === "unary");
    const met = (r: typeof g) => (r?.sequentialRatio ?? Infinity) <= RATIO_TARGET;
    const notes = [
      `Target (issue 6): each project transport within ${Math.round((RATIO_TARGET - 1) * 100)}% of its raw library, measured in the same run. ` +
        `Unary, one call at a time: gRPC ${g?.sequentialRatio?.toFixed(2)}× raw grpc-js (${met(g) ? "met" : "not met"}), HTTP ${h?.sequentialRatio?.toFixed(2)}× raw node:http + undici (${met(h) ? "met" : "not met"}).`,
    ];
    sections.push({ title: "Each transport next to its raw baseline", notes, figures: benchFigures(inputs.bench), tables: [benchTable(inputs.bench), microTable(inputs.bench), simTable(inputs.bench)] });
  }
  if (inputs.crash) {
    sections.push({
      title: "A crashed service, per architecture",
      notes: ["The same crash-pagamentos plan through runCheckout on the deterministic simulator and on real loopback gRPC and HTTP servers (the crash stops the server; the restart brings up a fresh instance on the same port with the database kept)."],
      figures: crashFigures(inputs.crash),
      tables: [crashTable(inputs.crash)],
    });
  }
  return { generatedAt, verdict: verdict(inputs.loads, inputs.bench), sections };
}
