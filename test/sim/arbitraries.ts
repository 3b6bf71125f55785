/**
 * fast-check arbitraries for fault plans and workloads of the simulated checkout,
 * and the property the fault-plan tests share: "every invariant holds".
 *
 * Every arbitrary is built from shrinkable parts (integers toward 0, constantFrom
 * toward its first value, arrays toward fewer elements), so a failing plan shrinks
 * toward fewer, earlier, shorter and simpler faults and a smaller workload.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { PlantedDefects } from "../../src/core/pagamentos/pagamentos-service.js";
import { SERVICE_NAMES } from "../../src/core/vocabulary.js";
import { runCheckout, type CheckoutRunResult } from "../../src/sim/checkout-run.js";
import { CLIENT_NODE, SIM_RESILIENCE } from "../../src/sim/deploy-sim.js";
import type { Fault, FaultPlan } from "../../src/sim/faults/plan.js";
import type { InvariantResult } from "../../src/sim/invariants.js";
import type { LatencyDistribution } from "../../src/transports/middleware/latency.js";
import { Scheduler } from "../../src/sim/scheduler.js";

/** Every node of the simulated deployment: the six services and the workload's client. */
export const CHECKOUT_NODES: readonly string[] = [...SERVICE_NAMES, CLIENT_NODE];

/** Virtual ms over which {@link planArb} spreads the faults' start times. */
export const PLAN_WINDOW_MS = 600;

/** Pedidos' recovery cancels (with full compensation) orders older than this (30 s). */
const RECOVERY_MAX_AGE_MS = SIM_RESILIENCE.recoveryMaxAgeMs;

/** A duration of a few seconds (shrinks toward 0). */
const shortMs = (max = 3000) => fc.integer({ min: 0, max });
/** Mostly a few seconds; sometimes past the recovery's 30 s, so the cancel-with-compensation path runs. */
const partitionMs = fc.oneof(
  { arbitrary: shortMs(5000), weight: 3 },
  { arbitrary: fc.integer({ min: RECOVERY_MAX_AGE_MS + 1, max: RECOVERY_MAX_AGE_MS + 10_000 }), weight: 1 },
);
/** A probability, simplest (always) first. */
const probabilityArb = fc.constantFrom(1, 0.5, 0.2, 0.05);
/** Small skews, and now and then one past the recovery age (orders look old) or an hour behind. */
const skewArb = fc.oneof(
  { arbitrary: fc.integer({ min: -5000, max: 5000 }), weight: 3 },
  { arbitrary: fc.constantFrom(40_000, -40_000, -3_600_000), weight: 1 },
);

/** Each latency distribution, with bounded parameters (some past the 1 s attempt timeout). */
export const latencyArb: fc.Arbitrary<LatencyDistribution> = fc.oneof(
  fc.record({ kind: fc.constant("fixed" as const), ms: shortMs(1500) }),
  fc
    .tuple(shortMs(1500), shortMs(1500))
    .map(([a, b]) => ({ kind: "uniform" as const, minMs: Math.min(a, b), maxMs: Math.max(a, b) })),
  fc.record({ kind: fc.constant("exponential" as const), meanMs: shortMs(800) }),
  fc.record(
    {
      kind: fc.constant("bimodal" as const),
      fastMs: shortMs(5),
      slowMs: shortMs(3000),
      slowProbability: fc.constantFrom(0.5, 0.1, 0.01, 0.001),
    },
    { requiredKeys: ["kind", "fastMs", "slowMs"] },
  ),
);

/**
 * One fault of any kind the plan schema knows, aimed at `nodes` (and "*" for
 * links), starting within `windowMs`. A crash never targets the workload's
 * client node: its crash would kill the workload's own continuations, which
 * the run does not model (such a plan never ends: test/corpus/crash-client-hangs.json).
 */
export function faultArb(nodes: readonly string[], windowMs: number): fc.Arbitrary<Fault> {
  const at = fc.integer({ min: 0, max: windowMs });
  const node = fc.constantFrom(...nodes);
  const service = fc.constantFrom(...nodes.filter((n) => n !== CLIENT_NODE));
  const endpoint = fc.constantFrom("*", ...nodes);
  const link = { from: endpoint, to: endpoint };
  const arbs: fc.Arbitrary<Fault>[] = [
    fc.record({ at, kind: fc.constant("crash" as const), target: service, restartAfter: shortMs(5000) }),
    fc.record({ at, kind: fc.constant("pause" as const), target: node, duration: shortMs(5000) }),
    fc.record({ at, kind: fc.constant("slow" as const), target: node, extraMs: shortMs(2000), duration: shortMs() }),
    fc.record({ at, kind: fc.constant("clock-skew" as const), target: node, offsetMs: skewArb, duration: shortMs(5000) }),
    fc.record({ at, kind: fc.constant("partition" as const), ...link, twoWay: fc.boolean(), duration: partitionMs }),
    fc.record({
      at,
      kind: fc.constant("swizzle" as const),
      targets: fc.uniqueArray(node, { minLength: 1, maxLength: nodes.length }),
      stepMs: shortMs(1000),
      holdMs: shortMs(),
    }),
    fc.record({ at, kind: fc.constant("latency" as const), ...link, distribution: latencyArb, duration: shortMs() }),
    fc.record({ at, kind: fc.constant("drop" as const), ...link, probability: probabilityArb, duration: shortMs() }),
    fc.record({ at, kind: fc.constant("reply-drop" as const), ...link, probability: probabilityArb, duration: shortMs() }),
    fc.record({ at, kind: fc.constant("duplicate" as const), ...link, probability: probabilityArb, duration: shortMs() }),
  ];
  return fc.oneof(...arbs);
}

/** Up to five faults over every node of the deployment. */
export const planArb: fc.Arbitrary<FaultPlan> = fc.array(faultArb(CHECKOUT_NODES, PLAN_WINDOW_MS), { maxLength: 5 }).map((faults) => ({ faults }));

/** The workload a plan runs against: the `run` section of a saved plan. */
export interface Workload {
  readonly seed: number;
  readonly orders: number;
  readonly concurrency: number;
  readonly intervalMs: number;
}

/** A small seeded workload (shrinks toward seed 0, one order, one at a time, 1 ms apart). */
export const workloadArb: fc.Arbitrary<Workload> = fc.record({
  seed: fc.nat(),
  orders: fc.integer({ min: 1, max: 30 }),
  concurrency: fc.integer({ min: 1, max: 8 }),
  intervalMs: fc.integer({ min: 1, max: 20 }),
});

/** What {@link withRun} may ask of a run besides the workload and the plan. */
export interface PlanRunOptions {
  readonly defects?: PlantedDefects;
  readonly keepTrace?: boolean;
}

/**
 * Runs the workload on the sim transport with the plan's faults (and planted
 * defects, if any), hands the result to `use`, then closes the six databases:
 * sql.js keeps each one in WebAssembly memory until closed, and a long
 * property run (a few hundred runs) would otherwise die of "out of memory".
 */
export async function withRun<T>(workload: Workload, plan: FaultPlan, options: PlanRunOptions, use: (run: CheckoutRunResult) => T | Promise<T>): Promise<T> {
  const run = await runCheckout({
    transport: "sim",
    ...workload,
    plan,
    wallClock: new Scheduler(),
    ...(options.defects ? { defects: options.defects } : {}),
    ...(options.keepTrace ? { keepTrace: true } : {}),
  });
  try {
    return await use(run);
  } finally {
    for (const name of SERVICE_NAMES) run.stores[name].close();
  }
}

/** The invariants that did not hold. */
export function failedInvariants(run: CheckoutRunResult): InvariantResult[] {
  return run.report.invariants.filter((invariant) => !invariant.ok);
}

/** The property: with this workload and plan, every invariant holds (throws naming the ones that do not). */
export function invariantsHold(defects?: PlantedDefects): fc.IAsyncPropertyWithHooks<[Workload, FaultPlan]> {
  return fc.asyncProperty(workloadArb, planArb, async (workload, plan) => {
    const failed = await withRun(workload, plan, defects ? { defects } : {}, failedInvariants);
    if (failed.length > 0) throw new Error(failed.map((i) => `${i.name}: ${i.detail}`).join("; "));
  });
}

/** A counterexample as a plan file: its faults, with the `run` it fails with and a description. */
export function counterexamplePlan(workload: Workload, plan: FaultPlan, description: string): FaultPlan & { run: Workload } {
  return { description, run: { seed: workload.seed, orders: workload.orders, concurrency: workload.concurrency, intervalMs: workload.intervalMs }, faults: plan.faults };
}

/** Reads an integer from the environment, or the default when unset or empty. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** How {@link describeFailure} names and explains a counterexample. */
export interface FailureOptions {
  /** What failed, e.g. "the fault-plan property". */
  readonly what: string;
  /** The saved file is `<tmpdir>/<fileStem>-<seed>.json`. Default: "checkout-lab-counterexample". */
  readonly fileStem?: string;
  /** A command that reruns the property from the same seed and path, if there is one. */
  readonly rerun?: (seed: number, path: string) => string;
  /** Said after the replay command (e.g. that the CLI cannot plant a defect). */
  readonly replayNote?: string;
}

/**
 * Saves a failed `fc.check` run's shrunk counterexample as a plan file (with its
 * `run` section) under the OS temp dir and returns a message with everything
 * needed to replay it: the fast-check seed and path, the violated invariants,
 * the plan JSON, its path and the exact `npm run sim` command.
 */
export function describeFailure(
  details: fc.RunDetails<[Workload, FaultPlan]>,
  options: FailureOptions,
): { message: string; path?: string; plan?: FaultPlan & { run: Workload } } {
  const { what } = options;
  if (!details.failed || !details.counterexample || details.counterexamplePath === null) {
    return { message: `${what}: no counterexample (failed: ${details.failed}, interrupted: ${details.interrupted}, fast-check seed ${details.seed})` };
  }
  const [workload, plan] = details.counterexample;
  const seedAndPath = `fast-check seed ${details.seed}, path ${details.counterexamplePath}`;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const saved = counterexamplePlan(workload, plan, `shrunk counterexample of ${what} (${seedAndPath}): ${error}`);
  const path = join(tmpdir(), `${options.fileStem ?? "checkout-lab-counterexample"}-${details.seed}.json`);
  const json = JSON.stringify(saved, null, 2);
  writeFileSync(path, `${json}\n`);
  const message = [
    `${what} failed after ${details.numRuns} runs and ${details.numShrinks} shrinks`,
    `${seedAndPath}${options.rerun ? `; rerun with: ${options.rerun(details.seed, details.counterexamplePath)}` : ""}`,
    `violated: ${error}`,
    `shrunk plan, saved to ${path}:`,
    json,
    `replay with: npm run sim -- --scenario ${path}${options.replayNote ? ` (${options.replayNote})` : ""}`,
  ].join("\n");
  return { message, path, plan: saved };
}
