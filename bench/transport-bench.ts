/**
 * Per-call cost of the lab's unary and server-stream calls on each project
 * transport next to its raw baseline, measured in the same process in
 * interleaved rounds (A, B, A, B...) so that drift of a noisy machine hits
 * both sides of every ratio alike.
 */
import { Bench } from "tinybench";
import { abRatio, callOf, quantile, type RatioSpread } from "./ab-rounds.js";
import { directPair, inprocPair, networkPair, simPair } from "./project-pairs.js";
import { startRawGrpc } from "./raw-grpc.js";
import { startRawHttp } from "./raw-http.js";
import type { RawPair } from "./raw-pair.js";

/** One transport in the bench: a raw library (no baseline) or a project transport measured against `baseline`. */
interface Case {
  readonly name: string;
  readonly baseline?: string;
  readonly start: () => Promise<RawPair> | RawPair;
}

/** The cases, raw baselines first. */
const CASES: readonly Case[] = [
  { name: "direct method call", start: directPair },
  { name: "inproc (no codec)", baseline: "direct method call", start: () => inprocPair(false) },
  { name: "inproc + codec", baseline: "direct method call", start: () => inprocPair(true) },
  { name: "sim", baseline: "direct method call", start: simPair },
  { name: "raw grpc-js + proto-loader", start: startRawGrpc },
  { name: "project grpc", baseline: "raw grpc-js + proto-loader", start: () => networkPair("grpc") },
  { name: "raw node:http + undici", start: startRawHttp },
  { name: "project http", baseline: "raw node:http + undici", start: () => networkPair("http") },
];

/** Numbers per streamed call (seed 001 streams 10; the bench leaves out its 5 ms delay, which would only measure the timer). */
export const STREAM_COUNT = 10;
/** Calls in flight in the concurrent measurement. */
export const IN_FLIGHT = 32;

/** The cost of one call kind on one transport. */
export interface CallCost {
  readonly transport: string;
  readonly baseline: string | null;
  readonly call: "unary" | "stream";
  /** Mean µs of one call, one at a time (median over rounds). */
  readonly sequentialUs: number;
  /** p99 µs of one call, one at a time (median over rounds). */
  readonly sequentialP99Us: number;
  /** Wall µs per call with {@link IN_FLIGHT} calls in flight: the reciprocal of throughput. */
  readonly concurrentUs: number;
  /**
   * This transport's time per call / the baseline's (null for a baseline): from the same tinybench
   * rounds, or with {@link TransportBenchOptions.ab} the median of the A/B rounds' ratios.
   */
  readonly sequentialRatio: number | null;
  /** The same with {@link IN_FLIGHT} calls in flight (null for a baseline). */
  readonly concurrentRatio: number | null;
  /** Where the ratios come from: "rounds" (tinybench means) or "ab" (interleaved A/B rounds). */
  readonly ratioMethod?: "rounds" | "ab";
  /** With "ab": the spread of the per-round ratios, wall and process CPU time, one at a time and in flight. */
  readonly ab?: { readonly sequential: AbSpreads; readonly concurrent: AbSpreads };
}

/** A/B ratios of wall and CPU time. */
export interface AbSpreads {
  readonly wall: RatioSpread;
  readonly cpu: RatioSpread;
}

/** Options of {@link benchTransports}. */
export interface TransportBenchOptions {
  /** Rounds of every case; the median round counts. */
  readonly rounds: number;
  /** tinybench time per case, call kind and round, in ms. */
  readonly timeMs: number;
  /** Calls per concurrent measurement. */
  readonly concurrentCalls: number;
  /**
   * When set, the ratio columns come from interleaved A/B rounds of each project transport against its
   * baseline (`rounds` rounds of `calls` calls per side, see ab-rounds.ts), steadier on a noisy machine
   * than the ratio of two tinybench means. Default: the tinybench rounds' ratio.
   */
  readonly ab?: { readonly rounds: number; readonly calls: number };
}

/** Measures every case; returns one row per case and call kind. */
export async function benchTransports(options: TransportBenchOptions): Promise<CallCost[]> {
  const pairs = new Map<string, RawPair>();
  for (const c of CASES) pairs.set(c.name, await c.start());
  const samples = new Map<string, { seq: number[]; p99: number[]; conc: number[] }>();
  const abs = new Map<string, { sequential: AbSpreads; concurrent: AbSpreads }>();
  try {
    for (const c of CASES) for (const call of ["unary", "stream"] as const) await check(pairs.get(c.name)!, call, c.name);
    for (let round = 0; round < options.rounds; round++) {
      for (const call of ["unary", "stream"] as const) {
        // Rotate the order every round so no case always runs first (JIT warm-up, GC debt).
        const order = CASES.map((_, i) => CASES[(i + round) % CASES.length]!);
        for (const c of order) {
          const key = `${c.name}|${call}`;
          const entry = samples.get(key) ?? { seq: [], p99: [], conc: [] };
          samples.set(key, entry);
          const fn = callOf(pairs.get(c.name)!, call, STREAM_COUNT);
          const { mean, p99 } = await sequential(fn, options.timeMs);
          entry.seq.push(mean);
          entry.p99.push(p99);
          entry.conc.push(await concurrent(fn, options.concurrentCalls));
        }
      }
    }
    if (options.ab) {
      const { rounds, calls } = options.ab;
      for (const call of ["unary", "stream"] as const) {
        for (const c of CASES) {
          if (!c.baseline) continue;
          const base = callOf(pairs.get(c.baseline)!, call, STREAM_COUNT);
          const own = callOf(pairs.get(c.name)!, call, STREAM_COUNT);
          const sequential = await abRatio(base, own, { rounds, calls });
          const concurrent = await abRatio(base, own, { rounds, calls, inFlight: IN_FLIGHT });
          abs.set(`${c.name}|${call}`, { sequential, concurrent });
        }
      }
    }
  } finally {
    for (const pair of pairs.values()) await pair.close();
  }
  const rows: CallCost[] = [];
  for (const call of ["unary", "stream"] as const) {
    for (const c of CASES) {
      const own = samples.get(`${c.name}|${call}`)!;
      const base = c.baseline ? samples.get(`${c.baseline}|${call}`)! : undefined;
      const ab = abs.get(`${c.name}|${call}`);
      rows.push({
        transport: c.name,
        baseline: c.baseline ?? null,
        call,
        sequentialUs: median(own.seq),
        sequentialP99Us: median(own.p99),
        concurrentUs: median(own.conc),
        sequentialRatio: ab ? ab.sequential.wall.ratio : base ? median(own.seq) / median(base.seq) : null,
        concurrentRatio: ab ? ab.concurrent.wall.ratio : base ? median(own.conc) / median(base.conc) : null,
        ...(base ? { ratioMethod: ab ? "ab" : "rounds" } : {}),
        ...(ab ? { ab } : {}),
      });
    }
  }
  return rows;
}

/** Each transport must answer right before it is timed: a bench of a broken call measures nothing. */
async function check(pair: RawPair, call: "unary" | "stream", name: string): Promise<void> {
  const expected = call === "unary" ? "Olá, bench! [A]" : (STREAM_COUNT * (STREAM_COUNT + 1)) / 2;
  const got = call === "unary" ? await pair.sayHello("bench") : await pair.streamNumbers(STREAM_COUNT);
  if (got !== expected) throw new Error(`${name} ${call}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
}

async function sequential(fn: () => Promise<unknown>, timeMs: number): Promise<{ mean: number; p99: number }> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs / 2) });
  bench.add("call", fn);
  await bench.run();
  const result = bench.tasks[0]!.result as { latency?: { mean: number; p99: number }; error?: unknown };
  if (!result.latency) throw new Error(`bench failed: ${String(result.error)}`);
  return { mean: result.latency.mean * 1000, p99: result.latency.p99 * 1000 };
}

/** Wall µs per call with IN_FLIGHT workers each making calls until `calls` are done. */
async function concurrent(fn: () => Promise<unknown>, calls: number): Promise<number> {
  let left = calls;
  const worker = async () => {
    while (left-- > 0) await fn();
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return Number(process.hrtime.bigint() - started) / 1000 / calls;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
