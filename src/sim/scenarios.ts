import { SERVICE_NAMES } from "../core/vocabulary.js";
import type { Fault, FaultPlan } from "./faults/plan.js";
import type { ReplicaLayout } from "./replicas.js";
import { REGISTRY_NODE } from "./registry/sim-registry.js";

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
  /** The replicas it runs with unless `--replicas` says otherwise. */
  readonly replicas?: ReplicaLayout;
  /** Run it under every balancer too, and report them side by side. */
  readonly compareBalancers?: boolean;
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

// Replica scenarios. Replica nodes are `pagamentos` (the first), `pagamentos-2`, `pagamentos-3`.
const replicaCrash = (w: number): Fault => ({ at: r(0.3 * w), kind: "crash", target: "pagamentos-2", restartAfter: Math.max(r(0.5 * w), 1000) });
// Down for a short time (less than the registry's 300 ms to notice: only breakers and failover see it) and for a long one, in turn.
const flapping = (w: number): Fault[] =>
  Array.from({ length: 6 }, (_, i) => ({ at: r((0.05 + 0.15 * i) * w), kind: "crash", target: "estoque-2", restartAfter: i % 2 === 0 ? 60 : 450 }));
// Ten times the default link latency (0.5..1.5 ms) both ways, so everything it does takes ten times as long.
const slowReplica = (w: number): Fault[] => [
  { at: 0, kind: "latency", from: "*", to: "pagamentos-3", distribution: { kind: "uniform", minMs: 5, maxMs: 15 }, duration: 2 * w + 5000 },
  { at: 0, kind: "latency", from: "pagamentos-3", to: "*", distribution: { kind: "uniform", minMs: 5, maxMs: 15 }, duration: 2 * w + 5000 },
];
// The registry loses one replica's beats for half the run, then every Estoque replica's for a moment (no Estoque is up: calls wait and retry).
const registryPartition = (w: number): Fault[] => [
  { at: r(0.1 * w), kind: "partition", from: REGISTRY_NODE, to: "pagamentos-2", twoWay: true, duration: r(0.5 * w) },
  { at: r(0.6 * w), kind: "partition", from: REGISTRY_NODE, to: "estoque", twoWay: true, duration: 600 },
  { at: r(0.6 * w), kind: "partition", from: REGISTRY_NODE, to: "estoque-2", twoWay: true, duration: 600 },
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
  "replica-crash": {
    description: "Pagamentos runs 3 replicas; pagamentos-2 crashes under load: heartbeats stop, the registry marks it down, callers fail over",
    plan: ({ windowMs }) => faults(replicaCrash(windowMs)),
    replicas: { pagamentos: 3 },
  },
  flapping: {
    description: "Estoque runs 3 replicas; estoque-2 crashes and comes back six times, for 60 ms and 450 ms in turn",
    plan: ({ windowMs }) => faults(...flapping(windowMs)),
    replicas: { estoque: 3 },
  },
  "slow-replica": {
    description: "Pagamentos runs 3 replicas; pagamentos-3 is ten times slower (its links take 5..15 ms); run under each balancer to compare",
    plan: ({ windowMs }) => faults(...slowReplica(windowMs)),
    replicas: { pagamentos: 3 },
    compareBalancers: true,
  },
  "registry-partition": {
    description: "the registry is cut off from pagamentos-2 (marked down though alive), then from both Estoque replicas for 600 ms",
    plan: ({ windowMs }) => faults(...registryPartition(windowMs)),
    replicas: { pagamentos: 3, estoque: 2 },
  },
  chaos: {
    description: "all of the above at once: tail latency, loss, reply loss, duplicates, crashes, a partition, a swizzle, a slow service, skew",
    plan: ({ windowMs: w }) =>
      faults(latencyTail(w), lossy(w), replyLoss(w), duplicates(w), ...crashEach(w), partitionFiscal(w), swizzle(w), ...slowEstoque(w), ...clockSkew(w)),
  },
};

/** The named scenario, or undefined (only the table's own names: never `constructor` or `toString`). */
export function findScenario(name: string): Scenario | undefined {
  return Object.hasOwn(SCENARIOS, name) ? SCENARIOS[name] : undefined;
}
