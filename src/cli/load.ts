/**
 * `npm run load`: deploys the checkout (or seed 001's hello services) on one
 * transport over loopback in this process and drives it with a closed-loop
 * ladder of virtual users and/or an open loop at a fixed rate; prints a table
 * per step and writes the LoadReport as JSON (`--json FILE`).
 */
import { writeFileAtomic } from "../io/write-file-atomic.js";
import { DEFAULT_LADDER, runLoad } from "../load/run-load.js";
import type { StepResult } from "../load/step.js";
import { LOAD_TRANSPORTS, LOAD_WORKLOADS, type LoadTransport, type LoadWorkload } from "../load/target.js";
import { intFlag, parseFlags, runCli, UsageError } from "./args.js";

const USAGE = `usage: npm run load -- [--transport grpc|http|inproc] [--workload checkout|hello] [--vus 25,50,...] [--rate R]
                     [--duration-s N] [--max-total-s N] [--max-in-flight N] [--timeout-ms N] [--seed N] [--quick] [--json FILE]

  --transport T      grpc, http or inproc (default grpc); the system is deployed on loopback in this process
  --workload W       checkout (seed 003: one order through the five services) or hello (seed 001: SayHello + a
                     10-number StreamNumbers stream with 5 ms between numbers) (default checkout)
  --vus LIST         closed-loop steps by virtual users (default ${DEFAULT_LADDER.join(",")}; "none" for no closed loop)
  --rate R           also an open-loop step at R iterations per second, latency from the intended send time (wrk2)
  --duration-s N     seconds per step (default 5)
  --max-total-s N    no step starts after this many seconds (default 600): the run stops by itself
  --max-in-flight N  open loop: iterations running at once at most (default 10000)
  --timeout-ms N     hello: deadline of each call (default 10000)
  --seed N           catalog and baskets (default 1)
  --quick            --vus 5,20 --duration-s 1 unless given (for tests)
  --json FILE        write the report as JSON`;

await runCli("load", USAGE, async () => {
  const values = parseFlags(process.argv.slice(2), {
    transport: { type: "string" },
    workload: { type: "string" },
    vus: { type: "string" },
    rate: { type: "string" },
    "duration-s": { type: "string" },
    "max-total-s": { type: "string" },
    "max-in-flight": { type: "string" },
    "timeout-ms": { type: "string" },
    seed: { type: "string" },
    quick: { type: "boolean" },
    json: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const quick = values.quick ?? false;
  const transport = oneOf("transport", values.transport ?? "grpc", LOAD_TRANSPORTS) as LoadTransport;
  const workload = oneOf("workload", values.workload ?? "checkout", LOAD_WORKLOADS) as LoadWorkload;
  const vus = parseVus(values.vus ?? (quick ? "5,20" : DEFAULT_LADDER.join(",")));
  const rate = values.rate === undefined ? undefined : intFlag("rate", values.rate, 1, 1_000_000);
  if (vus.length === 0 && rate === undefined) throw new UsageError("nothing to run: give --vus or --rate");
  const report = await runLoad({
    workload,
    transport,
    vus,
    ...(rate !== undefined ? { rate } : {}),
    stepDurationMs: intFlag("duration-s", values["duration-s"], 1, 3600, quick ? 1 : 5) * 1000,
    budgetMs: intFlag("max-total-s", values["max-total-s"], 1, 86_400, 600) * 1000,
    maxInFlight: intFlag("max-in-flight", values["max-in-flight"], 1, 1_000_000, 10_000),
    timeoutMs: intFlag("timeout-ms", values["timeout-ms"], 1, 600_000, 10_000),
    warmupMs: quick ? 200 : 1000,
    seed: intFlag("seed", values.seed, 0, 0xffff_ffff, 1),
    onStep: (step) => console.log(stepLine(step)),
  });
  console.log(`${workload} over ${transport}: ${report.steps.length} step(s) in ${(report.wallMs / 1000).toFixed(1)} s; max RSS ${report.resources.maxRssMiB} MiB`);
  if (report.unhandledRejections.count > 0) console.log(`unhandled promise rejections in the system under load: ${report.unhandledRejections.count} (first: ${report.unhandledRejections.first})`);
  if (report.skipped.length > 0) console.log(`skipped (time budget): ${report.skipped.join(", ")}`);
  if (values.json) await writeFileAtomic(values.json, `${JSON.stringify(report, null, 2)}\n`);
});

function oneOf(name: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
  return value;
}

function parseVus(raw: string): number[] {
  if (raw === "none") return [];
  return raw.split(",").map((part) => intFlag("vus", part.trim(), 1, 100_000));
}

/** One line per step: what k6 prints at the end of a run, in short. */
export function stepLine(step: StepResult): string {
  const load = step.mode === "closed" ? `${step.vus} VUs` : `${step.rate}/s open`;
  const l = step.latencyMs;
  const errors = Object.entries(step.errors).map(([code, n]) => `${code} ${n}`).join(", ") || "none";
  return (
    `${load.padEnd(12)} ${step.throughput.toFixed(0).padStart(6)} it/s  mean ${l.mean.toFixed(2)} p50 ${l.p50} p90 ${l.p90} p99 ${l.p99} p99.9 ${l.p999} max ${l.max} ms  ` +
    `errors ${(step.errorRate * 100).toFixed(2)}% (${errors})  cpu ${step.resources.cpuPercent}%  rss ${step.resources.maxRssMiB} MiB` +
    (step.lateStarts > 0 ? `  late starts ${step.lateStarts}` : "")
  );
}
