import { SERVICE_NAMES } from "../core/vocabulary.js";
import type { Fault, FaultPlan } from "./faults/plan.js";

/** What a scenario needs to lay its faults out: the span of the workload's arrivals. */
export interface ScenarioContext {
  /** Virtual ms over which the orders arrive. */
  readonly windowMs: number;
}

/** A named scenario: a fault plan laid out over the run, and optionally a smaller stock. */
export interface Scenario {
  readonly description: string;
  readonly plan: (context: ScenarioContext) => FaultPlan;
  /** Caps every product's stock (a flash sale). */
  readonly stockCap?: number;
}

const r = Math.round;
const faults = (...list: Fault[]): FaultPlan => ({ faults: list });

const latencyTail = (w: number): Fault => ({
  at: 0,
  kind: "latency",
  from: "*",
  to: "*",
  distribution: { kind: "bimodal", fastMs: 1, slowMs: 1500, slowProbability: 0.001 },
  duration: w,
});
const lossy = (w: number): Fault => ({ at: r(0.1 * w), kind: "drop", from: "*", to: "*", probability: 0.05, duration: r(0.7 * w) });
const replyLoss = (w: number): Fault => ({ at: r(0.1 * w), kind: "reply-drop", from: "*", to: "*", probability: 0.1, duration: r(0.7 * w) });
const duplicates = (w: number): Fault => ({ at: 0, kind: "duplicate", from: "*", to: "*", probability: 0.2, duration: w });
const crashEach = (w: number): Fault[] =>
  SERVICE_NAMES.map((target, i) => ({ at: r(((i + 0.5) * w) / SERVICE_NAMES.length), kind: "crash", target, restartAfter: r(w / 10) }));
// Longer than Pedidos' recovery age (30 s), so orders stuck behind it are cancelled with full compensation.
const partitionFiscal = (w: number): Fault => ({ at: r(0.3 * w), kind: "partition", from: "fiscal", to: "*", twoWay: true, duration: Math.max(r(0.3 * w), 35_000) });
const swizzle = (w: number): Fault => ({ at: r(0.2 * w), kind: "swizzle", targets: [...SERVICE_NAMES], stepMs: r(w / 40), holdMs: r(w / 10) });
const slowEstoque = (w: number): Fault[] => [
  { at: r(0.2 * w), kind: "slow", target: "estoque", extraMs: 300, duration: r(0.5 * w) },
  { at: r(0.5 * w), kind: "pause", target: "estoque", duration: 800 },
];
const clockSkew = (w: number): Fault[] => [
  { at: r(0.3 * w), kind: "clock-skew", target: "pedidos", offsetMs: 45_000, duration: r(0.3 * w) },
  { at: r(0.2 * w), kind: "clock-skew", target: "fiscal", offsetMs: -3_600_000, duration: r(0.6 * w) },
];

/** The named scenarios of `npm run sim -- --scenario NAME`. */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  baseline: { description: "no faults: cancellations come only from refused payments and short stock", plan: () => faults() },
  "latency-tail": { description: "every link 1 ms, with a 0.1% tail of 1.5 s (past the per-attempt timeout)", plan: ({ windowMs }) => faults(latencyTail(windowMs)) },
  "lossy-network": { description: "5% of requests lost on every link for most of the run", plan: ({ windowMs }) => faults(lossy(windowMs)) },
  "reply-loss": { description: "10% of replies lost after the callee applied the request", plan: ({ windowMs }) => faults(replyLoss(windowMs)) },
  duplicates: { description: "20% of requests delivered twice", plan: ({ windowMs }) => faults(duplicates(windowMs)) },
  "crash-pagamentos": {
    description: "Pagamentos crashes mid-run and restarts later (memory and calls in flight lost, database kept)",
    plan: ({ windowMs }) => faults({ at: r(0.3 * windowMs), kind: "crash", target: "pagamentos", restartAfter: r(0.2 * windowMs) }),
  },
  "crash-each": { description: "every service crashes once, one after another, and restarts", plan: ({ windowMs }) => faults(...crashEach(windowMs)) },
  "partition-fiscal": { description: "Fiscal is cut off from every other service (both ways) for 35 s: stuck orders are cancelled with full compensation", plan: ({ windowMs }) => faults(partitionFiscal(windowMs)) },
  swizzle: { description: "each service's links clog one by one, hold, then heal in reverse order", plan: ({ windowMs }) => faults(swizzle(windowMs)) },
  "slow-estoque": { description: "Estoque takes 300 ms more per request, and pauses for 800 ms once", plan: ({ windowMs }) => faults(...slowEstoque(windowMs)) },
  "clock-skew": {
    description: "Pedidos' clock jumps 45 s ahead (orders look old) and Fiscal's runs an hour behind",
    plan: ({ windowMs }) => faults(...clockSkew(windowMs)),
  },
  "flash-sale": { description: "every product has at most 3 units: most orders are cancelled for short stock", plan: () => faults(), stockCap: 3 },
  chaos: {
    description: "all of the above at once: tail latency, loss, reply loss, duplicates, crashes, a partition, a swizzle, a slow service, skew",
    plan: ({ windowMs: w }) =>
      faults(latencyTail(w), lossy(w), replyLoss(w), duplicates(w), ...crashEach(w), partitionFiscal(w), swizzle(w), ...slowEstoque(w), ...clockSkew(w)),
  },
};
