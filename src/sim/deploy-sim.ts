import type { Clock } from "../core/clock.js";
import { RecoveryLoop } from "../core/pedidos/recovery-loop.js";
import { CHECKOUT_DEFINITIONS, bindService, createService } from "../core/system/services.js";
import { SERVICE_NAMES, type ServiceName } from "../core/vocabulary.js";
import { createClient, createRouter, type Interceptor, type Transport } from "../transports/index.js";
import { Code } from "../transports/codes.js";
import { deadline } from "../transports/middleware/deadline.js";
import { retry } from "../transports/middleware/retry.js";
import { balanced } from "../transports/middleware/balancer.js";
import { createBreakerSet } from "../transports/middleware/circuit-breaker.js";
import { createReverseProxy } from "../transports/middleware/reverse-proxy.js";
import type { Deployment, DeploymentContext } from "./deployment.js";
import { drainMicrotasks } from "./drain.js";
import { scheduleFaults } from "./faults/inject.js";
import type { FaultPlan } from "./faults/plan.js";
import type { Random } from "../core/random.js";
import type { TraceEvent } from "./trace.js";
import type { BalancerName } from "./replicas.js";
import type { SimNode } from "./network/sim-node.js";
import { SimNetwork } from "./network/sim-network.js";
import { createSimTransport } from "./sim-transport.js";
import { createSimRegistry, SIM_DISCOVERY, type SimRegistry } from "./registry/sim-registry.js";
import { createRoutingStats, type RoutingStats } from "./registry/routing-stats.js";
import { balancerOf, makeStrategy, replicaCount, replicaNodeNames, replicatedServices, type BalancerChoice, type ReplicaLayout } from "./replicas.js";

/** The node that places the workload's orders. */
export const CLIENT_NODE = "cliente";

/** Resilience settings of the simulated deployment (virtual ms). */
export const SIM_RESILIENCE = {
  /** Deadline of a call between services that has no parent deadline. */
  serviceTimeoutMs: 5000,
  /** Each attempt of a call between services. */
  serviceAttemptMs: 1000,
  serviceAttempts: 4,
  /** The workload client's CriarPedido: whole call, each attempt, attempts. */
  clientTimeoutMs: 30_000,
  clientAttemptMs: 3000,
  clientAttempts: 10,
  /** Pedidos' recovery loop. */
  recoveryIntervalMs: 1000,
  recoveryMaxAgeMs: 30_000,
  /** Per-replica circuit breaker of each caller: consecutive failures that open it, and how long it stays open. */
  breakerFailures: 3,
  breakerOpenMs: 500,
} as const;

/** The Pedidos service class (what the recovery loop drives). */
type PedidosService = ReturnType<typeof createService<"pedidos">>;

/** Starts Pedidos' recovery loop with the deployment's settings on `clock`; returns its stop. */
export function startRecovery(pedidos: PedidosService, clock: Clock): () => void {
  const loop = new RecoveryLoop({ pedidos, clock, intervalMs: SIM_RESILIENCE.recoveryIntervalMs, maxAgeMs: SIM_RESILIENCE.recoveryMaxAgeMs });
  loop.start();
  return () => loop.stop();
}

/** How calls reach a replicated service: each caller balances itself, or through a reverse-proxy node per service. */
export type SimRouting = "client" | "proxy";

/** Replicas and routing of a simulated deployment. */
export interface SimDeployOptions {
  /** Replicas per service (default: one each, and then no registry, no balancer: the plain deployment). */
  readonly replicas?: ReplicaLayout;
  /** Strategy per replicated service. Default: round robin. */
  readonly balancer?: BalancerChoice;
  /** Default: "client". */
  readonly routing?: SimRouting;
}

/** The node of a service's reverse proxy (routing "proxy"). */
export function proxyNodeName(service: ServiceName): string {
  return `${service}-proxy`;
}

/**
 * Each service on its own simulated node, the workload on one more, and every
 * message through the simulated network with the plan's faults. Calls carry
 * deadlines and are retried with backoff; Pedidos runs its recovery loop.
 */
export function deploySim(
  context: DeploymentContext,
  plan: FaultPlan,
  options: SimDeployOptions = {},
): { deployment: Deployment; network: SimNetwork; routing: RoutingStats | undefined } {
  const { scheduler, random, stores } = context;
  const replicated = replicatedServices(options.replicas);
  const routing = replicated.length === 0 ? undefined : createRoutingStats({
    replicaNodes: replicated.flatMap((service) => replicaNodeNames(service, replicaCount(options.replicas, service))),
    boundMs: SIM_DISCOVERY.missedBeats * SIM_DISCOVERY.heartbeatIntervalMs + SIM_RESILIENCE.serviceAttemptMs,
    startMs: scheduler.now(),
  });
  const record = routing ? (event: TraceEvent) => (routing.observe(event), context.trace.record(event)) : (event: TraceEvent) => context.trace.record(event);
  const network = new SimNetwork({ scheduler, random: random.fork("network"), record });
  const observe = (path: string, ms: number, code: Code) => context.onCall(path, ms, code === Code.OK);
  const resilience = (node: SimNode, timeoutMs: number, attemptMs: number, attempts: number): Interceptor[] => [
    deadline({ clock: node.clock, defaultTimeoutMs: timeoutMs }),
    retry({
      clock: node.clock,
      random: random.fork(`retry:${node.name}:${node.epoch}`),
      maxAttempts: attempts,
      attemptTimeoutMs: attemptMs,
      onRetry: (path) => context.onRetry(path),
    }),
  ];
  const registry = routing ? createSimRegistry(network) : undefined;
  const connect = (node: SimNode, to: ServiceName): Transport =>
    registry && replicaCount(options.replicas, to) > 1 && options.routing !== "proxy"
      ? balancedTo(network, registry, node, to, random.fork(`balance:${node.name}:${to}:${node.epoch}`), balancerOf(options.balancer, to), observe)
      : createSimTransport(network, node.name, registry && replicaCount(options.replicas, to) > 1 ? proxyNodeName(to) : to, { observe });

  for (const name of SERVICE_NAMES) {
    for (const nodeName of replicaNodeNames(name, replicaCount(options.replicas, name))) {
      network.addNode(nodeName, (node) => {
        const service = createService(name, {
          stores,
          clock: () => node.clock,
          random: random.fork("services"),
          connect: (_from, to) => connect(node, to),
          interceptors: () => resilience(node, SIM_RESILIENCE.serviceTimeoutMs, SIM_RESILIENCE.serviceAttemptMs, SIM_RESILIENCE.serviceAttempts),
          ...(context.approvalRate !== undefined ? { approvalRate: context.approvalRate } : {}),
          ...(context.defects ? { defects: context.defects } : {}),
        });
        const router = bindService(createRouter(), name, service);
        const beats = registry && replicaCount(options.replicas, name) > 1 ? registry.beatFrom(name, node) : undefined;
        if (name !== "pedidos") return { router, ...(beats ? { stop: beats } : {}) };
        const stopRecovery = startRecovery(service as PedidosService, node.clock);
        return { router, stop: () => (stopRecovery(), beats?.()) };
      });
      if (registry && replicaCount(options.replicas, name) > 1) registry.bootstrap(name, nodeName);
    }
    if (registry && replicaCount(options.replicas, name) > 1 && options.routing === "proxy") {
      network.addNode(proxyNodeName(name), (node) => ({
        router: createReverseProxy(
          [CHECKOUT_DEFINITIONS[name]],
          balancedTo(network, registry, node, name, random.fork(`balance:${node.name}:${node.epoch}`), balancerOf(options.balancer, name), observe),
        ),
      }));
    }
  }
  const client = network.addNode(CLIENT_NODE, () => ({ router: createRouter() }));
  scheduleFaults(network, plan);

  const deployment: Deployment = {
    pedidos: createClient(CHECKOUT_DEFINITIONS.pedidos, connect(client, "pedidos"), {
      interceptors: resilience(client, SIM_RESILIENCE.clientTimeoutMs, SIM_RESILIENCE.clientAttemptMs, SIM_RESILIENCE.clientAttempts),
    }),
    clock: client.clock,
    async run(workload, isDone, untilMs) {
      let settled = false;
      void workload.finally(() => (settled = true));
      await scheduler.run({ drain: drainMicrotasks, untilMs, stop: () => settled && isDone() });
    },
  };
  return { deployment, network, routing };
}

/**
 * The middleware stack from `node` to a replicated service: resolve its up
 * replicas in the registry, skip those whose breaker (this caller's, per
 * replica) is open, pick one with the strategy, and move a refused call to
 * another replica once. Retry and deadline sit above it (each attempt is
 * balanced anew).
 */
function balancedTo(
  network: SimNetwork,
  registry: SimRegistry,
  node: SimNode,
  to: ServiceName,
  random: Random,
  strategy: BalancerName,
  observe: (path: string, ms: number, code: Code) => void,
): Transport {
  const links = new Map<string, Transport>();
  return balanced({
    service: to,
    registry: registry.view,
    strategy: makeStrategy(strategy, random),
    breakers: createBreakerSet({ clock: node.clock, failureThreshold: SIM_RESILIENCE.breakerFailures, openMs: SIM_RESILIENCE.breakerOpenMs }),
    connect: (instance) => {
      const address = instance.address ?? instance.id;
      let link = links.get(address);
      if (!link) links.set(address, (link = createSimTransport(network, node.name, address, { observe })));
      return link;
    },
    failover: {},
  });
}
