import type { Clock } from "../core/clock.js";
import { createRandom } from "../core/random.js";
import { bindService, CHECKOUT_DEFINITIONS, createCheckoutServices } from "../core/system/services.js";
import { createCheckoutStores, type CheckoutCatalog, type CheckoutStores } from "../core/system/stores.js";
import { SERVICE_NAMES, type ServiceName } from "../core/vocabulary.js";
import { generateCatalog } from "../data/synthetic.js";
import { codeName, createClient, createInProcessTransport, createRouter, RpcError, type Interceptor } from "../transports/index.js";
import { tracing } from "../transports/middleware/tracing.js";
import { checkInvariants, type InvariantResult } from "./invariants.js";
import type { SimReport } from "./report.js";
import { summarizeLatencies } from "./stats.js";
import { Trace } from "./trace.js";
import { VirtualClock } from "./virtual-clock.js";
import { generateWorkload } from "./workload.js";

/** The transports a run can use today. */
export const RUN_TRANSPORTS = ["inproc"] as const;
/** One of {@link RUN_TRANSPORTS}. */
export type RunTransport = (typeof RUN_TRANSPORTS)[number];

/** Options of {@link runCheckout}. */
export interface CheckoutRunOptions {
  readonly seed: number;
  readonly orders: number;
  /** Orders in flight at once. */
  readonly concurrency: number;
  readonly transport: RunTransport;
  /**
   * Measures each order's latency as the client sees it (the CLI passes the
   * system clock). The services themselves run on a virtual clock, so their
   * databases and the trace do not depend on how fast the machine is.
   */
  readonly wallClock: Clock;
  /** Default: the seed's synthetic catalog (50 customers, 30 products). */
  readonly catalog?: CheckoutCatalog;
  /** Share of payments approved. Default: 0.9. */
  readonly approvalRate?: number;
  /** Keep the trace lines (for `--trace`). Default: false. */
  readonly keepTrace?: boolean;
  /** Called after each order completes. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What a run leaves: its report (without wallMs, which the caller measures), databases and trace. */
export interface CheckoutRunResult {
  readonly report: Omit<SimReport, "wallMs">;
  readonly stores: CheckoutStores;
  readonly traceLines: readonly string[];
}

/** The caller that places the workload's orders, as the trace names it. */
const WORKLOAD = "cliente";

/** Places the seeded workload's orders through the checkout and checks every invariant. */
export async function runCheckout(options: CheckoutRunOptions): Promise<CheckoutRunResult> {
  const { wallClock, seed } = options;
  // In-process calls take no virtual time: the services' clock stays at the epoch.
  const clock = new VirtualClock();
  const random = createRandom(seed);
  const catalog = options.catalog ?? generateCatalog(seed);
  const stores = await createCheckoutStores(catalog);
  const trace = new Trace({ keepLines: options.keepTrace ?? false });
  const traced = (from: string, to: ServiceName): Interceptor[] => [tracing((event) => trace.record({ from, to, ...event }))];

  const router = createRouter();
  const transport = createInProcessTransport(router, { clock });
  const services = createCheckoutServices({
    stores,
    clock: () => clock,
    random: random.fork("services"),
    connect: () => transport,
    interceptors: traced,
    ...(options.approvalRate !== undefined ? { approvalRate: options.approvalRate } : {}),
  });
  for (const name of SERVICE_NAMES) bindService(router, name, services[name]);
  const pedidos = createClient(CHECKOUT_DEFINITIONS.pedidos, transport, { interceptors: traced(WORKLOAD, "pedidos") });

  const plans = generateWorkload(random.fork("workload"), catalog, { orders: options.orders });
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const started = clock.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < plans.length) {
      const index = next++;
      const plan = plans[index]!;
      const t0 = wallClock.now();
      try {
        await pedidos.criarPedido({ clienteId: plan.clienteId, itens: plan.itens, metodoPagamento: plan.metodo, chaveIdempotencia: `workload-${index}` });
      } catch (error) {
        const code = codeName(RpcError.from(error).code);
        errors[code] = (errors[code] ?? 0) + 1;
      }
      latencies.push(wallClock.now() - t0);
      options.onProgress?.(++done, plans.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));

  const orders = countOrders(stores);
  const invariants: InvariantResult[] = [
    ...checkInvariants(stores),
    {
      name: "liveness",
      ok: orders.pending === 0,
      detail: orders.pending === 0 ? `all ${orders.placed} orders terminal` : `${orders.pending} orders still pending at the end`,
    },
  ];
  return {
    report: {
      seed,
      scenario: "baseline",
      transport: options.transport,
      orders,
      invariants,
      traceHash: trace.digest(),
      latencyMs: summarizeLatencies(latencies),
      virtualMs: clock.now() - started,
      errors,
      cancellationReasons: cancellationReasons(stores),
      traceEvents: trace.count,
    },
    stores,
    traceLines: trace.lines,
  };
}

function countOrders(stores: CheckoutStores): SimReport["orders"] {
  const rows = stores.pedidos.all<{ status: string; n: number }>("SELECT status, COUNT(*) AS n FROM pedidos GROUP BY status");
  const by = new Map(rows.map((r) => [r.status, r.n]));
  const placed = rows.reduce((sum, r) => sum + r.n, 0);
  const completed = (by.get("enviado") ?? 0) + (by.get("entregue") ?? 0);
  const cancelled = by.get("cancelado") ?? 0;
  return { placed, completed, cancelled, pending: placed - completed - cancelled };
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
