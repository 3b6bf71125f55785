import { z } from "zod";
import { MAX_SEED } from "../../data/synthetic.js";

/** Longest time a plan may name (24 h of the run's clock): a run lasts until its last fault heals. */
export const PLAN_MAX_MS = 86_400_000;

/** Bounds of a run, shared by the CLI flags and a plan's `run` section. */
export const RUN_LIMITS = {
  seed: { min: 0, max: MAX_SEED },
  orders: { min: 1, max: 1_000_000 },
  concurrency: { min: 1, max: 10_000 },
  intervalMs: { min: 0, max: 60_000 },
} as const;

const ms = z.number().finite().nonnegative().max(PLAN_MAX_MS);
const probability = z.number().min(0).max(1);
/** A node name, or "*" for every node. */
const endpoint = z.string().min(1);

const latencySchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("fixed"), ms }),
  z.strictObject({ kind: z.literal("uniform"), minMs: ms, maxMs: ms }).refine((d) => d.minMs <= d.maxMs, "minMs must not exceed maxMs"),
  z.strictObject({ kind: z.literal("exponential"), meanMs: ms }),
  z.strictObject({ kind: z.literal("bimodal"), fastMs: ms, slowMs: ms, slowProbability: probability.optional() }),
]);

const link = { from: endpoint, to: endpoint };
const base = { at: ms };

/** One fault of a plan, as JSON. `from`/`to` name nodes or "*"; `duration` ends it (heals). */
export const faultSchema = z.discriminatedUnion("kind", [
  z.strictObject({ ...base, kind: z.literal("crash"), target: z.string(), restartAfter: ms }),
  z.strictObject({ ...base, kind: z.literal("pause"), target: z.string(), duration: ms }),
  z.strictObject({ ...base, kind: z.literal("slow"), target: z.string(), extraMs: ms, duration: ms }),
  z.strictObject({ ...base, kind: z.literal("clock-skew"), target: z.string(), offsetMs: z.number().finite().min(-PLAN_MAX_MS).max(PLAN_MAX_MS), duration: ms }),
  z.strictObject({ ...base, kind: z.literal("partition"), ...link, twoWay: z.boolean().default(true), duration: ms }),
  z.strictObject({ ...base, kind: z.literal("swizzle"), targets: z.array(z.string()).min(1), stepMs: ms, holdMs: ms }),
  z.strictObject({ ...base, kind: z.literal("latency"), ...link, distribution: latencySchema, duration: ms }),
  z.strictObject({ ...base, kind: z.literal("drop"), ...link, probability, duration: ms }),
  z.strictObject({ ...base, kind: z.literal("reply-drop"), ...link, probability, duration: ms }),
  z.strictObject({ ...base, kind: z.literal("duplicate"), ...link, probability, duration: ms }),
]);

/** The run a saved plan was found with, so `--scenario plan.json` alone replays it. */
export const planRunSchema = z.strictObject({
  seed: bounded(RUN_LIMITS.seed),
  orders: bounded(RUN_LIMITS.orders),
  concurrency: bounded(RUN_LIMITS.concurrency),
  intervalMs: bounded(RUN_LIMITS.intervalMs),
});

function bounded({ min, max }: { readonly min: number; readonly max: number }) {
  return z.number().int().min(min).max(max).optional();
}

/** A fault plan: data, so it can be saved, shrunk and replayed. */
export const faultPlanSchema = z.strictObject({
  /** What the plan is about (free text). */
  description: z.string().optional(),
  run: planRunSchema.optional(),
  faults: z.array(faultSchema),
});

/** One fault. */
export type Fault = z.infer<typeof faultSchema>;
/** A whole plan. */
export type FaultPlan = z.infer<typeof faultPlanSchema>;
/** The kinds of fault. */
export type FaultKind = Fault["kind"];

/** A plan that did not pass the schema check; the message names each wrong field. */
export class FaultPlanError extends Error {
  override readonly name = "FaultPlanError";
}

/** What a plan is checked against besides its schema. */
export interface PlanNodes {
  /** Every node a fault may name. */
  readonly nodes: readonly string[];
  /** The node the workload runs on: it may be paused or cut off, never crashed (its calls would die unanswered and the run never end). */
  readonly workload?: string;
}

/**
 * Checks a parsed JSON value against the schema and the known node names;
 * throws FaultPlanError with every problem, each with its path (`faults[2].target`).
 */
export function parseFaultPlan(value: unknown, { nodes, workload }: PlanNodes): FaultPlan {
  const parsed = faultPlanSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new FaultPlanError(`bad fault plan:\n  ${problems.join("\n  ")}`);
  }
  const known = new Set(nodes);
  const problems: string[] = [];
  parsed.data.faults.forEach((fault, i) => {
    const named = "target" in fault ? [["target", fault.target]] : "targets" in fault ? fault.targets.map((t, j) => [`targets[${j}]`, t]) : [["from", fault.from], ["to", fault.to]];
    for (const [field, name] of named) {
      if (name !== "*" && !known.has(name!)) problems.push(`faults[${i}].${field}: unknown node "${name}" (known: ${nodes.join(", ")})`);
      if (name === "*" && "target" in fault) problems.push(`faults[${i}].${field}: "*" is only allowed in from/to`);
    }
    if (fault.kind === "crash" && fault.target === workload) {
      problems.push(`faults[${i}].target: "${workload}" runs the workload and cannot crash (pause it or partition it instead)`);
    }
  });
  if (problems.length > 0) throw new FaultPlanError(`bad fault plan:\n  ${problems.join("\n  ")}`);
  return parsed.data;
}

/** When the fault is over (healed, restarted, resumed). */
export function faultEnd(fault: Fault): number {
  switch (fault.kind) {
    case "crash":
      return fault.at + fault.restartAfter;
    case "swizzle":
      return fault.at + fault.stepMs * 2 * fault.targets.length + fault.holdMs;
    default:
      return fault.at + fault.duration;
  }
}

/** When the last fault of the plan heals (0 for an empty plan). */
export function lastHeal(plan: FaultPlan): number {
  return plan.faults.reduce((latest, fault) => Math.max(latest, faultEnd(fault)), 0);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), "") || "(plan)";
}
