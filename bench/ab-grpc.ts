/**
 * Interleaved A/B of the project's gRPC transport against the raw baseline
 * (plain grpc-js + proto-loader), in one process: rounds alternate raw and
 * project (which goes first alternates too), each round makes `--calls` calls
 * of one kind on each side, and the result is the median of the per-round
 * ratios (project / raw) with their spread, so that drift of a noisy machine
 * hits both sides of every ratio alike.
 *
 *   npx tsx bench/ab-grpc.ts [--rounds 15] [--calls 2000] [--only stream] [--json]
 *
 * Kinds: unary one at a time, unary with 32 in flight, a 10-message stream
 * one at a time, and the stream with 32 in flight.
 */
import { intFlag, parseFlags, runCli, UsageError } from "../src/cli/args.js";
import { networkPair } from "./project-pairs.js";
import { startRawGrpc } from "./raw-grpc.js";
import type { RawPair } from "./raw-pair.js";
import { IN_FLIGHT, median, STREAM_COUNT } from "./transport-bench.js";

const USAGE =
  "usage: npx tsx bench/ab-grpc.ts [--rounds N (default 15)] [--calls N per side and round (default 2000)] [--only unary|stream|sequential|flight] [--json]";

/** One measured kind of call. */
interface Kind {
  readonly name: string;
  readonly inFlight: number;
  readonly call: (pair: RawPair) => Promise<unknown>;
}

const KINDS: readonly Kind[] = [
  { name: "unary sequential", inFlight: 1, call: (p) => p.sayHello("ab") },
  { name: `unary ${IN_FLIGHT} in flight`, inFlight: IN_FLIGHT, call: (p) => p.sayHello("ab") },
  { name: `stream(${STREAM_COUNT}) sequential`, inFlight: 1, call: (p) => p.streamNumbers(STREAM_COUNT) },
  { name: `stream(${STREAM_COUNT}) ${IN_FLIGHT} in flight`, inFlight: IN_FLIGHT, call: (p) => p.streamNumbers(STREAM_COUNT) },
];

/** One measure's A/B: µs per call on each side (medians over rounds) and the per-round ratios (project / raw): median and spread. */
export interface AbMeasure {
  readonly rawUs: number;
  readonly projectUs: number;
  readonly ratio: number;
  /** The 25th and 75th percentile of the per-round ratios. */
  readonly ratioQ1: number;
  readonly ratioQ3: number;
  readonly ratioMin: number;
  readonly ratioMax: number;
}

/** The A/B of one kind of call, by wall time and by the CPU time the process spent (less sensitive to other processes). */
export interface AbRow {
  readonly kind: string;
  readonly wall: AbMeasure;
  readonly cpu: AbMeasure;
}

function summarize(raw: readonly number[], project: readonly number[]): AbMeasure {
  const ratios = project.map((p, i) => p / raw[i]!);
  return {
    rawUs: median(raw),
    projectUs: median(project),
    ratio: median(ratios),
    ratioQ1: quantile(ratios, 0.25),
    ratioQ3: quantile(ratios, 0.75),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
  };
}

/** Wall and CPU (user + system, this process: client and server) µs per call for `calls` calls made by `inFlight` workers. */
async function timeCalls(pair: RawPair, kind: Kind, calls: number): Promise<{ wall: number; cpu: number }> {
  let left = calls;
  const worker = async () => {
    while (left-- > 0) await kind.call(pair);
  };
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: kind.inFlight }, worker));
  const wall = Number(process.hrtime.bigint() - started) / 1000 / calls;
  const cpu = process.cpuUsage(cpuBefore);
  return { wall, cpu: (cpu.user + cpu.system) / calls };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo]! + (sorted[Math.ceil(at)]! - sorted[lo]!) * (at - lo);
}

/** Runs the A/B: `rounds` interleaved rounds of `calls` calls per side for each kind whose name contains `only`. */
export async function abGrpc(rounds: number, calls: number, only = ""): Promise<AbRow[]> {
  const kinds = KINDS.filter((k) => k.name.includes(only));
  if (kinds.length === 0) throw new UsageError(`--only matches no kind of call: ${KINDS.map((k) => k.name).join(", ")}`);
  const raw = await startRawGrpc();
  const project = await networkPair("grpc");
  try {
    for (const pair of [raw, project]) {
      if ((await pair.sayHello("ab")) !== "Olá, ab! [A]") throw new Error("SayHello answered wrong");
      if ((await pair.streamNumbers(STREAM_COUNT)) !== (STREAM_COUNT * (STREAM_COUNT + 1)) / 2) throw new Error("StreamNumbers answered wrong");
    }
    const rows: AbRow[] = [];
    for (const kind of kinds) {
      // Warm-up: both sides' code paths hot before the first timed round.
      await timeCalls(raw, kind, calls);
      await timeCalls(project, kind, calls);
      const raws: { wall: number; cpu: number }[] = [];
      const projects: { wall: number; cpu: number }[] = [];
      for (let round = 0; round < rounds; round++) {
        // Which side goes first alternates, so neither always runs on a warmer (or more collected) heap.
        if (round % 2 === 0) {
          raws.push(await timeCalls(raw, kind, calls));
          projects.push(await timeCalls(project, kind, calls));
        } else {
          projects.push(await timeCalls(project, kind, calls));
          raws.push(await timeCalls(raw, kind, calls));
        }
      }
      rows.push({
        kind: kind.name,
        wall: summarize(raws.map((r) => r.wall), projects.map((p) => p.wall)),
        cpu: summarize(raws.map((r) => r.cpu), projects.map((p) => p.cpu)),
      });
    }
    return rows;
  } finally {
    await project.close();
    await raw.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runCli("ab-grpc", USAGE, async () => {
    const flags = parseFlags(process.argv.slice(2), { rounds: { type: "string" }, calls: { type: "string" }, only: { type: "string" }, json: { type: "boolean" } });
    const rounds = intFlag("rounds", flags.rounds, 1, 1000, 15);
    const calls = intFlag("calls", flags.calls, 10, 1_000_000, 2000);
    const rows = await abGrpc(rounds, calls, flags.only);
    if (flags.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    console.log(`project grpc / raw grpc-js, ${rounds} interleaved rounds of ${calls} calls per side`);
    console.log("kind                      measure  raw µs  project µs  ratio  (q1..q3, min..max)");
    const f = (n: number) => n.toFixed(2);
    for (const row of rows) {
      for (const [name, m] of [["wall", row.wall], ["cpu", row.cpu]] as const) {
        console.log(`${row.kind.padEnd(25)} ${name.padEnd(5)} ${m.rawUs.toFixed(1).padStart(8)} ${m.projectUs.toFixed(1).padStart(11)}  ${f(m.ratio)}x  (${f(m.ratioQ1)}..${f(m.ratioQ3)}, ${f(m.ratioMin)}..${f(m.ratioMax)})`);
      }
    }
  });
}
