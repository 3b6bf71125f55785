import type { InvariantResult } from "./invariants.js";
import type { DeadReplicaStop } from "./registry/routing-stats.js";
import type { LatencySummary } from "./stats.js";

/** The JSON report of one run (`npm run sim -- --json`); its fields are a stable interface. */
export interface SimReport {
  readonly seed: number;
  readonly scenario: string;
  readonly transport: string;
  /** `requested` by the workload; `placed` reached Pedidos; `notPlaced` never did (the client gave up on CriarPedido). */
  readonly orders: {
    readonly placed: number;
    readonly completed: number;
    readonly cancelled: number;
    readonly pending: number;
    readonly requested: number;
    readonly notPlaced: number;
  };
  readonly invariants: readonly InvariantResult[];
  /** sha256 of the run's trace; equal for equal seeds and plans. */
  readonly traceHash: string;
  /** Latency of CriarPedido as the client saw it. */
  readonly latencyMs: LatencySummary;
  /** Time elapsed on the run's clock (virtual on the sim transport). */
  readonly virtualMs: number;
  /** Real time the run took. */
  readonly wallMs: number;
  /** Calls that failed, by status code name, as the workload's client saw them. */
  readonly errors: Readonly<Record<string, number>>;
  /** Why orders were cancelled, with counts. */
  readonly cancellationReasons: Readonly<Record<string, number>>;
  readonly traceEvents: number;
  /** Calls retried by the resilience interceptors. */
  readonly retries: number;
  /** Effects undone by compensation, per kind. */
  readonly compensations: {
    readonly refunds: number;
    readonly stockReleases: number;
    readonly invoicesCancelled: number;
    readonly shipmentsCancelled: number;
  };
  /** Latency of each call path between nodes, in ms of the run's clock (virtual on the sim transport). */
  readonly stepLatencyMs: Readonly<Record<string, StepLatency>>;
  /** When the last fault of the plan healed, ms of the run's clock from the start. */
  readonly lastHealMs: number;
  /** Scheduler events run. */
  readonly events: number;
  /** Replicas each service ran (1: no replicas). */
  readonly replicas: Readonly<Record<string, number>>;
  /** Load-balancing strategy of each replicated service (present when a service ran replicas). */
  readonly balancers?: Readonly<Record<string, string>>;
  /** Calls sent to each replica node, retries and failovers included (present when a service ran replicas). */
  readonly replicaCalls?: Readonly<Record<string, number>>;
  /** Per replica crash: when calls stopped going to it (sim, present when a service ran replicas). */
  readonly deadReplicas?: readonly DeadReplicaStop[];
  /** The same run under each balancer (`--compare-balancers`, or a scenario that asks for it). */
  readonly balancerComparison?: readonly BalancerRun[];
}

/** One run of a balancer comparison: same seed, plan and replicas, another strategy. */
export interface BalancerRun {
  readonly balancer: string;
  readonly latencyMs: LatencySummary;
  /** The busiest call path to a replicated service, and its latency. */
  readonly stepPath: string;
  readonly stepMs: LatencySummary;
  readonly replicaCalls: Readonly<Record<string, number>>;
  readonly invariantsHold: boolean;
  readonly traceHash: string;
}

/** Latency of one call path, with how many calls were made and failed. */
export interface StepLatency extends LatencySummary {
  readonly calls: number;
  readonly failed: number;
}

/** True when every invariant holds. */
export function reportPassed(report: SimReport): boolean {
  return report.invariants.every((i) => i.ok);
}

/** The report as a person reads it in a terminal. */
export function formatReport(report: SimReport): string {
  const { orders, latencyMs: l } = report;
  const lines = [
    `checkout-lab · scenario ${report.scenario} · transport ${report.transport} · seed ${report.seed}`,
    `orders      ${orders.placed} placed: ${orders.completed} completed, ${orders.cancelled} cancelled, ${orders.pending} pending` +
      (orders.notPlaced > 0 ? ` · ${orders.notPlaced} of ${orders.requested} never placed (the client gave up: see errors)` : ""),
    `latency     p50 ${l.p50} ms · p90 ${l.p90} ms · p99 ${l.p99} ms · max ${l.max} ms`,
    `time        ${report.virtualMs} ms on the run's clock, ${report.wallMs} ms wall`,
    `trace       ${report.traceEvents} events · ${report.traceHash.slice(0, 16)}`,
  ];
  const reasons = Object.entries(report.cancellationReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    lines.push("cancelled because");
    for (const [reason, count] of reasons.slice(0, 5)) lines.push(`  ${String(count).padStart(5)}  ${reason}`);
    if (reasons.length > 5) lines.push(`  ...and ${reasons.length - 5} other reasons`);
  }
  const c = report.compensations;
  lines.push(`resilience  ${report.retries} retries · undone: ${c.refunds} refunds, ${c.stockReleases} stock releases, ${c.invoicesCancelled} invoices, ${c.shipmentsCancelled} shipments`);
  const steps = Object.entries(report.stepLatencyMs);
  if (steps.length > 0) {
    lines.push(`${"steps       (ms on the run's clock)".padEnd(46)} ${"calls".padStart(6)} ${"failed".padStart(7)} ${"p50".padStart(6)} ${"p99".padStart(6)} ${"max".padStart(6)}`);
    for (const [path, s] of steps) {
      lines.push(`  ${path.replace("/ecommerce.v1.", "").padEnd(44)} ${String(s.calls).padStart(6)} ${String(s.failed).padStart(7)} ${String(s.p50).padStart(6)} ${String(s.p99).padStart(6)} ${String(s.max).padStart(6)}`);
    }
  }
  lines.push(...formatReplicas(report));
  const errors = Object.entries(report.errors);
  if (errors.length > 0) lines.push(`errors      ${errors.map(([code, n]) => `${code} ${n}`).join(", ")}`);
  lines.push("invariants");
  for (const inv of report.invariants) lines.push(`  ${inv.ok ? "ok  " : "FAIL"}  ${inv.name.padEnd(20)} ${inv.detail}`);
  lines.push(reportPassed(report) ? "result      every invariant holds" : "result      INVARIANT VIOLATED");
  return lines.join("\n");
}

/** The replicas section: layout, balancers, calls per replica, dead-replica stops and the balancer comparison. */
function formatReplicas(report: SimReport): string[] {
  const layout = Object.entries(report.replicas ?? {}).filter(([, n]) => n > 1);
  if (layout.length === 0) return [];
  const lines = [`replicas    ${layout.map(([service, n]) => `${service} x${n} (${report.balancers?.[service] ?? "round-robin"})`).join(" · ")}`];
  const calls = Object.entries(report.replicaCalls ?? {});
  if (calls.length > 0) lines.push(`  calls per replica: ${calls.map(([node, n]) => `${node} ${n}`).join(", ")}`);
  for (const stop of report.deadReplicas ?? []) {
    const marked = stop.markedDownAtMs === undefined ? "never marked down" : `marked down at ${stop.markedDownAtMs} ms`;
    lines.push(`  ${stop.node} crashed at ${stop.crashedAtMs} ms, ${marked}, calls stopped ${stop.stoppedAfterMs} ms after the crash (bound ${stop.boundMs} ms)`);
  }
  if (report.balancerComparison) {
    lines.push(`  ${"balancer".padEnd(20)} ${"order p50".padStart(10)} ${"order p99".padStart(10)} ${"step p99".padStart(9)}  calls per replica`);
    for (const run of report.balancerComparison) {
      const spread = Object.entries(run.replicaCalls).map(([node, n]) => `${node} ${n}`).join(", ");
      lines.push(`  ${run.balancer.padEnd(20)} ${String(run.latencyMs.p50).padStart(10)} ${String(run.latencyMs.p99).padStart(10)} ${String(run.stepMs.p99).padStart(9)}  ${spread}${run.invariantsHold ? "" : "  INVARIANT VIOLATED"}`);
    }
  }
  return lines;
}
