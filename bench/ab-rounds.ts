/**
 * Interleaved A/B rounds: many short rounds, each making N calls on side A
 * (a raw baseline) and N on side B (a project transport), which side goes
 * first alternating, so the noise of a shared machine (load, CPU frequency,
 * GC debt) lands on both sides of each round's ratio. The answer is the
 * median of the per-round ratios, with their spread.
 */
import { UsageError } from "../src/cli/args.js";
import { findScenario, SCENARIOS } from "../src/sim/scenarios.js";
import type { RawPair } from "./raw-pair.js";

/** One call kind of a pair, as a function. */
export type CallFn = () => Promise<unknown>;

/** Options of {@link abRatio}. */
export interface AbOptions {
  /** Alternating rounds; each gives one ratio. */
  readonly rounds: number;
  /** Calls per side per round. */
  readonly calls: number;
  /** Calls in flight at once; 1 (default) is one at a time. */
  readonly inFlight?: number;
}

/** The per-round ratios of one measure, summarized. */
export interface RatioSpread {
  /** Median over rounds of (project / baseline). */
  readonly ratio: number;
  /** Lowest and highest per-round ratio. */
  readonly min: number;
  readonly max: number;
  /** Quartiles of the per-round ratios (the middle half lies between them). */
  readonly q1: number;
  readonly q3: number;
  /** Median µs per call of each side. */
  readonly baseUs: number;
  readonly ownUs: number;
  /**
   * The fastest round of the project / the fastest round of the baseline: noise
   * on a shared machine only ever adds time, so each side's best round is its
   * least disturbed one (steadier than the median when the load comes and goes).
   */
  readonly best: number;
}

/** What {@link abRatio} measured: wall time, and this process's CPU time (user + system), per call. */
export interface AbResult {
  /** Wall time: what a caller waits. */
  readonly wall: RatioSpread;
  /**
   * CPU time of the process (client and server both live in it): the work
   * done, which other processes on a busy machine disturb less than wall time.
   */
  readonly cpu: RatioSpread;
}

/** µs of wall and of process CPU time per call. */
export interface CallTime {
  readonly wallUs: number;
  readonly cpuUs: number;
}

/** Runs `calls` calls of `fn`, `inFlight` at a time; returns µs per call. */
export async function timeCalls(fn: CallFn, calls: number, inFlight = 1): Promise<CallTime> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  if (inFlight <= 1) {
    for (let i = 0; i < calls; i++) await fn();
  } else {
    let left = calls;
    const worker = async () => {
      while (left-- > 0) await fn();
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  }
  const wallUs = Number(process.hrtime.bigint() - started) / 1000 / calls;
  const used = process.cpuUsage(cpu);
  return { wallUs, cpuUs: (used.user + used.system) / calls };
}

/** Interleaved rounds of `base` and `own` (after one warm-up round each); the median ratio and its spread. */
export async function abRatio(base: CallFn, own: CallFn, options: AbOptions): Promise<AbResult> {
  const { rounds, calls, inFlight = 1 } = options;
  await timeCalls(base, calls, inFlight);
  await timeCalls(own, calls, inFlight);
  const baseTimes: CallTime[] = [];
  const ownTimes: CallTime[] = [];
  for (let round = 0; round < rounds; round++) {
    let b: CallTime;
    let o: CallTime;
    // Alternate who goes first: the second side of a round inherits the first's GC debt.
    if (round % 2 === 0) {
      b = await timeCalls(base, calls, inFlight);
      o = await timeCalls(own, calls, inFlight);
    } else {
      o = await timeCalls(own, calls, inFlight);
      b = await timeCalls(base, calls, inFlight);
    }
    baseTimes.push(b);
    ownTimes.push(o);
  }
  return { wall: spread(baseTimes.map((t) => t.wallUs), ownTimes.map((t) => t.wallUs)), cpu: spread(baseTimes.map((t) => t.cpuUs), ownTimes.map((t) => t.cpuUs)) };
}

/** The per-round ratios own/base of paired times: median, spread, and the medians and best of each side. */
export function spread(baseUs: readonly number[], ownUs: readonly number[]): RatioSpread {
  const ratios = ownUs.map((o, i) => o / baseUs[i]!);
  return {
    ratio: quantile(ratios, 0.5),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    q1: quantile(ratios, 0.25),
    q3: quantile(ratios, 0.75),
    baseUs: quantile(baseUs, 0.5),
    ownUs: quantile(ownUs, 0.5),
    best: Math.min(...ownUs) / Math.min(...baseUs),
  };
}

/** The `q` quantile (0..1) of a non-empty list, interpolated between neighbours. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** One call kind of a pair as a function (the stream sums `streamCount` numbers). */
export function callOf(pair: RawPair, call: "unary" | "stream", streamCount: number): CallFn {
  return call === "unary" ? () => pair.sayHello("bench") : () => pair.streamNumbers(streamCount);
}

/** `1.23x [min 1.10, IQR 1.18-1.30, max 1.52; best/best 1.21] (raw 100.0 µs, project 123.0 µs)`. */
export function describeSpread(s: RatioSpread, labels: { readonly base: string; readonly own: string } = { base: "raw", own: "project" }): string {
  const f = (x: number) => x.toFixed(2);
  return `${f(s.ratio)}x [min ${f(s.min)}, IQR ${f(s.q1)}-${f(s.q3)}, max ${f(s.max)}; best/best ${f(s.best)}] (${labels.base} ${s.baseUs.toFixed(1)} µs, ${labels.own} ${s.ownUs.toFixed(1)} µs)`;
}

/** The call kinds a `--call` flag names (unary, stream or both; default both). */
export function callKindsFlag(raw: string | undefined): readonly ("unary" | "stream")[] {
  if (raw === undefined || raw === "both") return ["unary", "stream"];
  if (raw !== "unary" && raw !== "stream") throw new UsageError(`--call must be unary, stream or both, got ${raw}`);
  return [raw];
}

/** The network transport a `--transport` flag names (http or grpc; default http). */
export function transportFlag(raw: string | undefined): "http" | "grpc" {
  const name = raw ?? "http";
  if (name !== "http" && name !== "grpc") throw new UsageError(`--transport must be http or grpc, got ${name}`);
  return name;
}

/** The named scenario a flag (`--sim`, `--scenario`) names; a name that is none is a usage error listing them. */
export function scenarioFlag(flag: string, name: string): string {
  if (!findScenario(name)) throw new UsageError(`--${flag}: no scenario "${name}"; one of ${Object.keys(SCENARIOS).join(", ")}`);
  return name;
}
