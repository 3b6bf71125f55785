import { createRandom } from "../core/random.js";
import { createCheckoutStores, type CheckoutCatalog } from "../core/system/stores.js";
import { generateCatalog } from "../data/synthetic.js";
import { deployInProcess } from "../sim/deploy-inproc.js";
import { deployNetwork } from "../sim/deploy-network.js";
import type { Deployment, DeploymentContext } from "../sim/deployment.js";
import { NETWORK_HOSTS } from "../sim/network-hosts.js";
import { Scheduler } from "../sim/scheduler.js";
import { Trace, type TraceEvent } from "../sim/trace.js";
import { generateWorkload } from "../sim/workload.js";
import { loadClock } from "./load-clock.js";
import { LatencyHistogram } from "./histogram.js";
import type { LoadTarget, LoadTransport } from "./target.js";

/** Different baskets cycled through by the virtual users. */
const BASKETS = 1000;
/** Every product's stock: enough that no order of a bounded run is refused for stock. */
const PLENTY = 1_000_000_000;

/** A trace that only counts: a load run does not need the trace hash, and hashing every event would load the process it measures. */
class CountingTrace extends Trace {
  #events = 0;
  override record(_event: TraceEvent): void {
    this.#events++;
  }
  override get count(): number {
    return this.#events;
  }
}

/** Options of {@link startCheckoutTarget}. */
export interface CheckoutTargetOptions {
  readonly transport: LoadTransport;
  readonly seed: number;
}

/** What a checkout target counted besides latencies. */
export interface CheckoutCounters {
  /** Calls between services retried (by the retry middleware). */
  retries: number;
}

/**
 * The six checkout services deployed as the simulator's runs deploy them
 * (`deployNetwork`: one loopback server per service, or `deployInProcess`),
 * with stock that never runs out; each iteration places one order (seed 003's
 * checkout: Pedidos -> Pagamentos -> Estoque -> Fiscal -> Logistica) and
 * resolves with its final status. The latency of every call between services
 * goes into a histogram per method path (whole ms: the deployment runs on the
 * system clock, whose readings the services also store in int64 fields).
 */
export async function startCheckoutTarget(options: CheckoutTargetOptions): Promise<LoadTarget & { counters: CheckoutCounters }> {
  const seeded = generateCatalog(options.seed);
  const catalog: CheckoutCatalog = { ...seeded, produtos: seeded.produtos.map((p) => ({ ...p, estoque: PLENTY })) };
  const random = createRandom(options.seed);
  const steps = new Map<string, LatencyHistogram>();
  const counters: CheckoutCounters = { retries: 0 };
  const context: DeploymentContext = {
    stores: await createCheckoutStores(catalog),
    scheduler: new Scheduler(),
    random,
    trace: new CountingTrace(),
    onRetry: () => counters.retries++,
    onCall: (path, ms) => {
      let histogram = steps.get(path);
      if (!histogram) steps.set(path, (histogram = new LatencyHistogram()));
      histogram.record(ms);
    },
  };
  let deployment: Deployment;
  let close = async () => {};
  if (options.transport === "inproc") {
    deployment = deployInProcess(context);
  } else {
    const hosted = await deployNetwork(context, NETWORK_HOSTS[options.transport]!, { faults: [] }, loadClock);
    deployment = hosted.deployment;
    close = () => hosted.close();
  }
  const baskets = generateWorkload(random.fork("workload"), catalog, { orders: BASKETS });
  let next = 0;
  return {
    async iteration() {
      const index = next++;
      const plan = baskets[index % BASKETS]!;
      const pedido = await deployment.pedidos.criarPedido({
        clienteId: plan.clienteId,
        itens: plan.itens,
        metodoPagamento: plan.metodo,
        chaveIdempotencia: `load-${index}`,
      });
      return pedido.status;
    },
    steps,
    resetSteps: () => steps.clear(),
    counters,
    close,
  };
}
