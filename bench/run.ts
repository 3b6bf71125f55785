/**
 * `npm run bench`: what one call, one message, one statement and one
 * simulated checkout cost on this machine, measured in one process so the
 * ratios compare like with like. Prints tables and writes the numbers as JSON
 * (`--json FILE`, the shape of {@link BenchReport}); `--quick` for a short run.
 */
import os from "node:os";
import { parseFlags, intFlag, runCli } from "../src/cli/args.js";
import { writeFileAtomic } from "../src/io/write-file-atomic.js";
import { microbenchmarks, type MicroResult } from "./micro.js";
import { repeatedSimRuns, SIM_RUNS, simRun, targetLines, type SimRun } from "./sim-runs.js";
import { benchTransports, IN_FLIGHT, STREAM_COUNT, type CallCost } from "./transport-bench.js";

const USAGE = `usage: npm run bench -- [--quick] [--orders N] [--repeats N] [--rounds N] [--json FILE]

  --quick      a few seconds per section instead of a minute or so (for tests and npm run compare -- --quick)
  --orders N   orders per simulated run (default 2000, quick 200)
  --repeats N  runs of each simulated checkout, in rounds; the median run counts (default 5, quick 1)
  --rounds N   interleaved rounds of the transport bench; the median counts (default 3, quick 1)
  --json FILE  also write the results as JSON`;

/** What `--json` writes. */
export interface BenchReport {
  readonly kind: "bench";
  readonly quick: boolean;
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel: string };
  readonly streamCount: number;
  readonly inFlight: number;
  readonly transports: readonly CallCost[];
  readonly micro: readonly MicroResult[];
  readonly runs: readonly SimRun[];
}

await runCli("bench", USAGE, async () => {
  const values = parseFlags(process.argv.slice(2), {
    quick: { type: "boolean" },
    orders: { type: "string" },
    rounds: { type: "string" },
    repeats: { type: "string" },
    json: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const quick = values.quick ?? false;
  const orders = intFlag("orders", values.orders, 10, 1_000_000, quick ? 200 : 2000);
  const rounds = intFlag("rounds", values.rounds, 1, 50, quick ? 1 : 3);
  const repeats = intFlag("repeats", values.repeats, 1, 50, quick ? 1 : 5);

  // The ratio columns come from interleaved A/B rounds (ab-rounds.ts) in a full run: the ratio of two tinybench means swings 0.9-2x on a busy machine.
  const transports = await benchTransports({ rounds, timeMs: quick ? 100 : 500, concurrentCalls: quick ? 300 : 3000, ...(quick ? {} : { ab: { rounds: 30, calls: 500 } }) });
  console.log(`per call (${rounds} interleaved round(s); stream = ${STREAM_COUNT} numbers; concurrent = ${IN_FLIGHT} calls in flight)`);
  console.table(
    transports.map((r) => ({
      call: r.call,
      transport: r.transport,
      "µs/call": r.sequentialUs.toFixed(1),
      "p99 µs": r.sequentialP99Us.toFixed(0),
      "x baseline": ratio(r.sequentialRatio),
      [`µs/call @${IN_FLIGHT}`]: r.concurrentUs.toFixed(1),
      [`x baseline @${IN_FLIGHT}`]: ratio(r.concurrentRatio),
      baseline: r.baseline ?? "(raw)",
    })),
  );

  const micro = await microbenchmarks(quick ? 50 : 300);
  console.log("per operation (tinybench mean)");
  console.table(micro.map((r) => ({ group: r.group, task: r.name, "µs/op": r.us.toFixed(2), "ops/s": Math.round(1e6 / r.us), bytes: r.bytes ?? "" })));

  // One unrecorded run per transport first: JIT warm-up would otherwise weigh on the first runs (a quick run's 200 orders most of all).
  for (const transport of ["inproc", "sim"] as const) await simRun("baseline", transport, 100, 5);
  const runs: SimRun[] = await repeatedSimRuns(SIM_RUNS, orders, repeats);
  console.log(`whole checkouts (${orders} orders per run, seed 1${repeats > 1 ? `; median of ${repeats} runs, with the slowest and fastest` : ""})`);
  console.table(
    runs.map((r) => ({
      transport: r.transport,
      scenario: r.scenario,
      "arrival every": `${r.intervalMs} ms`,
      "checkouts/wall s": Math.round(r.checkoutsPerSecond),
      ...(repeats > 1 ? { range: `${Math.round(r.checkoutsPerSecondMin!)}-${Math.round(r.checkoutsPerSecondMax!)}` } : {}),
      "CPU µs/checkout": Math.round(r.cpuUsPerCheckout),
      "virtual/wall": r.transport === "sim" ? `${r.virtualPerWall.toFixed(1)}x` : "-",
      "sim events/s": r.transport === "sim" ? Math.round(r.eventsPerSecond) : "-",
      "wall ms": Math.round(r.wallMs),
      invariants: r.ok ? "ok" : "FAILED",
    })),
  );
  // A quick run's few hundred orders are mostly JIT warm-up: its speed says nothing about the targets.
  if (!quick) for (const line of targetLines(runs)) console.log(line);
  const report: BenchReport = {
    kind: "bench",
    quick,
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown" },
    streamCount: STREAM_COUNT,
    inFlight: IN_FLIGHT,
    transports,
    micro,
    runs,
  };
  if (values.json) await writeFileAtomic(values.json, `${JSON.stringify(report, null, 2)}\n`);
  return runs.every((r) => r.ok) ? 0 : 1;
});

function ratio(value: number | null): string {
  return value === null ? "-" : `${value.toFixed(2)}x`;
}
