import { sleep, type Clock } from "../core/clock.js";
import type { PlantedDefects } from "../core/pagamentos/pagamentos-service.js";
import { createRandom } from "../core/random.js";
import { NON_TERMINAL_STATUSES, sqlList } from "../core/vocabulary.js";
import { createCheckoutStores, type CheckoutCatalog, type CheckoutStores } from "../core/system/stores.js";
import { generateCatalog } from "../data/synthetic.js";
import { codeName, RpcError } from "../transports/index.js";
import { deployInProcess } from "./deploy-inproc.js";
import { deployNetwork } from "./deploy-network.js";
import { deploySim, type SimRouting } from "./deploy-sim.js";
import { balancerOf, fullLayout, replicatedServices, type BalancerChoice, type ReplicaLayout } from "./replicas.js";
import type { Deployment, DeploymentContext } from "./deployment.js";
import { lastHeal, type FaultPlan } from "./faults/plan.js";
import { checkInvariants, type InvariantResult } from "./invariants.js";
import type { SimReport, StepLatency } from "./report.js";
import { Scheduler } from "./scheduler.js";
import { findScenario } from "./scenarios.js";
import { summarizeLatencies } from "./stats.js";
import { Trace } from "./trace.js";
import { generateWorkload } from "./workload.js";

/**
 * The transports a run can use: the two without a network, then the real ones
 * (NETWORK_HOSTS, loaded only when a run uses one: loading grpc-js and undici
 * cost a simulated `npm run sim` about 0.5 s of CPU).
 */
export const RUN_TRANSPORTS = ["sim", "inproc", "grpc", "http"] as const;
/** One of {@link RUN_TRANSPORTS}. */
export type RunTransport = (typeof RUN_TRANSPORTS)[number];

/** Options of {@link runCheckout}. */
export interface CheckoutRunOptions {
  readonly seed: number;
  readonly orders: number;
  /** Orders in flight at once. */
  readonly concurrency: number;
  readonly transport: RunTransport;
  /** Measures each order's latency as the client sees it on the inproc transport (the CLI passes the system clock). */
  readonly wallClock: Clock;
  /** The scenario's name, for the report; a named scenario also gives the defaults of `plan`, `stockCap` and `replicas`. Default: "baseline". */
  readonly scenario?: string;
  /** Faults to inject. Default: the named scenario's plan over the arrival window (orders x intervalMs), else none. */
  readonly plan?: FaultPlan;
  /** Caps every product's stock (flash sale). Default: the named scenario's cap, else none. */
  readonly stockCap?: number;
  /** Virtual ms between order arrivals on the sim transport. Default: 5. */
  readonly intervalMs?: number;
  /** Every order must be terminal this long after the last fault heals and the last order arrives. Default: 60000. */
  readonly livenessBoundMs?: number;
  /** Default: the seed's synthetic catalog (50 customers, 30 products). */
  readonly catalog?: CheckoutCatalog;
  /** Share of payments approved. Default: 0.9. */
  readonly approvalRate?: number;
  /** Test-only: known bugs planted in Pagamentos, to prove the invariants catch them. Default: none. */
  readonly defects?: PlantedDefects;
  /** Keep the trace lines (for `--trace`). Default: false. */
  readonly keepTrace?: boolean;
  /** Replicas per service (sim and real transports). Default: the named scenario's layout, else one each. */
  readonly replicas?: ReplicaLayout;
  /** Load-balancing strategy per replicated service. Default: round robin. */
  readonly balancer?: BalancerChoice;
  /** Sim only: callers balance themselves ("client", default) or go through a reverse-proxy node per service ("proxy"). */
  readonly routing?: SimRouting;
  /** Called after each order's CriarPedido returns. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What a run leaves: its report (without wallMs, which the caller measures), databases and trace. */
export interface CheckoutRunResult {
  readonly report: Omit<SimReport, "wallMs">;
  readonly stores: CheckoutStores;
  readonly traceLines: readonly string[];
}

const DEFAULT_INTERVAL_MS = 5;
const DEFAULT_LIVENESS_BOUND_MS = 60_000;
/** After the run is over, messages still in flight get this long to land before the databases are judged. */
const SETTLE_MS = 10_000;
/** The same over real transports, in wall time. */
const REAL_SETTLE_MS = 300;

/** Places the seeded workload's orders through the checkout on a transport, with faults, and checks every invariant. */
export async function runCheckout(options: CheckoutRunOptions): Promise<CheckoutRunResult> {
  const { seed } = options;
  const named = options.scenario !== undefined ? findScenario(options.scenario) : undefined;
  const plan = options.plan ?? named?.plan({ windowMs: options.orders * (options.intervalMs ?? DEFAULT_INTERVAL_MS) }) ?? { faults: [] };
  if (options.transport === "inproc" && plan.faults.length > 0) {
    throw new Error("the inproc transport cannot inject faults; use --transport sim (or grpc, http)");
  }
  const replicas = options.replicas ?? named?.replicas;
  const replicated = replicatedServices(replicas);
  if (options.transport === "inproc" && replicated.length > 0) {
    throw new Error("the inproc transport runs one instance per service; use --transport sim (or grpc, http) for replicas");
  }
  const random = createRandom(seed);
  const catalog = capStock(options.catalog ?? generateCatalog(seed), options.stockCap ?? named?.stockCap);
  const stores = await createCheckoutStores(catalog);
  const trace = new Trace({ keepLines: options.keepTrace ?? false });
  const scheduler = new Scheduler();
  let retries = 0;
  const steps = new Map<string, { ms: number[]; failed: number }>();
  const context: DeploymentContext = {
    stores,
    scheduler,
    random,
    trace,
    ...(options.approvalRate !== undefined ? { approvalRate: options.approvalRate } : {}),
    ...(options.defects ? { defects: options.defects } : {}),
    onRetry: () => retries++,
    onCall: (path, ms, ok) => {
      const step = steps.get(path) ?? { ms: [], failed: 0 };
      steps.set(path, step);
      step.ms.push(ms);
      if (!ok) step.failed++;
    },
  };
  const simulated = options.transport === "sim";
  // Orders arrive over time on every transport but inproc, whose calls take no time to pace against.
  const paced = options.transport !== "inproc";
  const network = options.transport === "sim" || options.transport === "inproc" ? undefined : (await import("./network-hosts.js")).NETWORK_HOSTS[options.transport];
  const replication = { ...(replicas ? { replicas } : {}), ...(options.balancer ? { balancer: options.balancer } : {}) };
  const hosted = network ? await deployNetwork(context, network, plan, options.wallClock, replication) : undefined;
  const sim = simulated ? deploySim(context, plan, { ...replication, ...(options.routing ? { routing: options.routing } : {}) }) : undefined;
  const routing = sim?.routing ?? hosted?.routing;
  const deployment: Deployment = hosted?.deployment ?? sim?.deployment ?? deployInProcess(context);
  const intervalMs = paced ? (options.intervalMs ?? DEFAULT_INTERVAL_MS) : 0;
  const clock = deployment.clock;
  const start = clock.now();

  // The workload: order i arrives at i * interval and waits for a free slot among `concurrency`.
  const plans = generateWorkload(random.fork("workload"), catalog, { orders: options.orders });
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const timed = simulated ? scheduler : options.wallClock;
  let next = 0;
  let done = 0;
  let lastArrival = start;
  const worker = async () => {
    while (next < plans.length) {
      const index = next++;
      const plan = plans[index]!;
      const arrival = start + index * intervalMs;
      if (arrival > clock.now()) await sleep(clock, arrival - clock.now());
      lastArrival = Math.max(lastArrival, clock.now());
      const t0 = timed.now();
      try {
        await deployment.pedidos.criarPedido({ clienteId: plan.clienteId, itens: plan.itens, metodoPagamento: plan.metodo, chaveIdempotencia: `workload-${index}` });
      } catch (error) {
        const code = codeName(RpcError.from(error).code);
        errors[code] = (errors[code] ?? 0) + 1;
      }
      latencies.push(timed.now() - t0);
      options.onProgress?.(++done, plans.length);
    }
  };
  const workload = Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker)).then(() => {});

  // Over when the workload has settled and every order is terminal, or the liveness bound has passed.
  const heal = start + lastHeal(plan);
  const bound = options.livenessBoundMs ?? DEFAULT_LIVENESS_BOUND_MS;
  let over = false;
  let allTerminalAt: number | undefined;
  let workloadSettled = false;
  void workload.finally(() => (workloadSettled = true));
  // It ticks from the start, on the workload's clock, even while orders still arrive: when a
  // tick falls (a pause of the client holds it and moves every later one) decides when a run
  // ends, so ticking only once the workload settles would change runs (measured: c527b3e).
  const monitor = () => {
    if (workloadSettled && pendingOrders(stores) === 0) {
      allTerminalAt = clock.now();
      over = true;
    } else if (workloadSettled && clock.now() > Math.max(heal, lastArrival) + bound) over = true;
    else clock.setTimer(100, monitor);
  };
  if (paced) clock.setTimer(100, monitor);
  try {
    await deployment.run(workload, () => over, Number.POSITIVE_INFINITY);
  } finally {
    // Messages still in flight land before the databases are judged.
    if (simulated) await deployment.run(Promise.resolve(), () => false, clock.now() + SETTLE_MS);
    else if (hosted) await sleep(clock, REAL_SETTLE_MS).then(() => hosted.close());
  }
  const endedAt = allTerminalAt ?? clock.now();

  const orders = countOrders(stores, options.orders);
  const livenessDeadline = Math.max(heal, lastArrival) + bound;
  const deadReplica = routing?.invariant();
  const invariants: InvariantResult[] = [
    ...checkInvariants(stores),
    liveness(orders, allTerminalAt, Math.max(heal, lastArrival), livenessDeadline, paced),
    ...(deadReplica ? [deadReplica] : []),
  ];
  return {
    report: {
      seed,
      scenario: options.scenario ?? "baseline",
      transport: options.transport,
      orders,
      invariants,
      traceHash: trace.digest(),
      latencyMs: summarizeLatencies(latencies),
      virtualMs: Math.round(endedAt - start),
      errors,
      cancellationReasons: cancellationReasons(stores),
      traceEvents: trace.count,
      retries,
      compensations: countCompensations(stores),
      stepLatencyMs: stepLatencies(steps),
      lastHealMs: heal - start,
      events: scheduler.executed,
      replicas: fullLayout(replicas),
      ...(routing
        ? {
            balancers: Object.fromEntries(replicated.map((service) => [service, balancerOf(options.balancer, service)])),
            replicaCalls: routing.replicaCalls(),
            deadReplicas: routing.deadReplicaStops(),
          }
        : {}),
    },
    stores,
    traceLines: trace.lines,
  };
}

function liveness(
  orders: SimReport["orders"],
  allTerminalAt: number | undefined,
  quietFrom: number,
  deadlineAt: number,
  simulated: boolean,
): InvariantResult {
  if (orders.pending > 0) {
    return { name: "liveness", ok: false, detail: `${orders.pending} orders still not terminal ${Math.round(deadlineAt - quietFrom)} ms after the last fault healed` };
  }
  if (!simulated || allTerminalAt === undefined) return { name: "liveness", ok: true, detail: `all ${orders.placed} orders terminal` };
  const after = Math.max(0, Math.round(allTerminalAt - quietFrom));
  return {
    name: "liveness",
    ok: allTerminalAt <= deadlineAt,
    detail: `all ${orders.placed} orders terminal ${after} ms after the last fault healed and the last order arrived (bound ${Math.round(deadlineAt - quietFrom)} ms)`,
  };
}

function capStock(catalog: CheckoutCatalog, cap: number | undefined): CheckoutCatalog {
  if (cap === undefined) return catalog;
  return { ...catalog, produtos: catalog.produtos.map((p) => ({ ...p, estoque: Math.min(p.estoque, cap) })) };
}

const PENDING_COUNT = `SELECT COUNT(*) AS n FROM pedidos WHERE status IN ${sqlList(NON_TERMINAL_STATUSES)}`;

/** Orders not terminal yet, through the status index (the monitor asks often). */
function pendingOrders(stores: CheckoutStores): number {
  return stores.pedidos.get<{ n: number }>(PENDING_COUNT)!.n;
}

function countOrders(stores: CheckoutStores, requested: number): SimReport["orders"] {
  const rows = stores.pedidos.all<{ status: string; n: number }>("SELECT status, COUNT(*) AS n FROM pedidos GROUP BY status");
  const by = new Map(rows.map((r) => [r.status, r.n]));
  const placed = rows.reduce((sum, r) => sum + r.n, 0);
  const completed = (by.get("enviado") ?? 0) + (by.get("entregue") ?? 0);
  const cancelled = by.get("cancelado") ?? 0;
  return { placed, completed, cancelled, pending: placed - completed - cancelled, requested, notPlaced: requested - placed };
}

/** Reasons grouped by their kind (the text before the first colon), so details do not split them. */
function cancellationReasons(stores: CheckoutStores): Record<string, number> {
  const reasons: Record<string, number> = {};
  for (const { motivo } of stores.pedidos.all<{ motivo: string | null }>("SELECT motivo FROM pedidos WHERE status = 'cancelado'")) {
    const kind = (motivo ?? "unknown").split(":")[0]!.trim();
    reasons[kind] = (reasons[kind] ?? 0) + 1;
  }
  return reasons;
}

/** Effects undone, per kind. */
function countCompensations(stores: CheckoutStores): SimReport["compensations"] {
  const count = (store: keyof CheckoutStores, sql: string) => stores[store].get<{ n: number }>(sql)!.n;
  return {
    refunds: count("pagamentos", "SELECT COUNT(*) AS n FROM pagamentos WHERE status = 'estornado'"),
    stockReleases: count("estoque", "SELECT COUNT(*) AS n FROM reservas WHERE status = 'liberado'"),
    invoicesCancelled: count("fiscal", "SELECT COUNT(*) AS n FROM notas_fiscais WHERE status = 'cancelada'"),
    shipmentsCancelled: count("logistica", "SELECT COUNT(*) AS n FROM envios WHERE status = 'cancelado'"),
  };
}

function stepLatencies(steps: Map<string, { ms: number[]; failed: number }>): Record<string, StepLatency> {
  const out: Record<string, StepLatency> = {};
  for (const path of [...steps.keys()].sort()) {
    const step = steps.get(path)!;
    out[path] = { calls: step.ms.length, failed: step.failed, ...summarizeLatencies(step.ms) };
  }
  return out;
}
