import { RecoveryLoop } from "../core/pedidos/recovery-loop.js";
import { CHECKOUT_DEFINITIONS, bindService, createService } from "../core/system/services.js";
import { SERVICE_NAMES } from "../core/vocabulary.js";
import { createClient, createRouter, type Interceptor } from "../transports/index.js";
import { Code } from "../transports/codes.js";
import { deadline } from "../transports/middleware/deadline.js";
import { retry } from "../transports/middleware/retry.js";
import type { Deployment, DeploymentContext } from "./deployment.js";
import { drainMicrotasks } from "./drain.js";
import { scheduleFaults } from "./faults/inject.js";
import type { FaultPlan } from "./faults/plan.js";
import type { SimNode } from "./network/sim-node.js";
import { SimNetwork } from "./network/sim-network.js";
import { createSimTransport } from "./sim-transport.js";

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
} as const;

/**
 * Each service on its own simulated node, the workload on one more, and every
 * message through the simulated network with the plan's faults. Calls carry
 * deadlines and are retried with backoff; Pedidos runs its recovery loop.
 */
export function deploySim(context: DeploymentContext, plan: FaultPlan): { deployment: Deployment; network: SimNetwork } {
  const { scheduler, random, stores } = context;
  const network = new SimNetwork({ scheduler, random: random.fork("network"), record: (event) => context.trace.record(event) });
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

  for (const name of SERVICE_NAMES) {
    network.addNode(name, (node) => {
      const service = createService(name, {
        stores,
        clock: () => node.clock,
        random: random.fork("services"),
        connect: (from, to) => createSimTransport(network, from, to, { observe }),
        interceptors: () => resilience(node, SIM_RESILIENCE.serviceTimeoutMs, SIM_RESILIENCE.serviceAttemptMs, SIM_RESILIENCE.serviceAttempts),
        ...(context.approvalRate !== undefined ? { approvalRate: context.approvalRate } : {}),
        ...(context.defects ? { defects: context.defects } : {}),
      });
      const router = bindService(createRouter(), name, service);
      if (name !== "pedidos") return { router };
      const loop = new RecoveryLoop({
        pedidos: service as ReturnType<typeof createService<"pedidos">>,
        clock: node.clock,
        intervalMs: SIM_RESILIENCE.recoveryIntervalMs,
        maxAgeMs: SIM_RESILIENCE.recoveryMaxAgeMs,
      });
      loop.start();
      return { router, stop: () => loop.stop() };
    });
  }
  const client = network.addNode(CLIENT_NODE, () => ({ router: createRouter() }));
  scheduleFaults(network, plan);

  const deployment: Deployment = {
    pedidos: createClient(CHECKOUT_DEFINITIONS.pedidos, createSimTransport(network, CLIENT_NODE, "pedidos"), {
      interceptors: resilience(client, SIM_RESILIENCE.clientTimeoutMs, SIM_RESILIENCE.clientAttemptMs, SIM_RESILIENCE.clientAttempts),
    }),
    clock: client.clock,
    async run(workload, isDone, untilMs) {
      let settled = false;
      void workload.finally(() => (settled = true));
      await scheduler.run({ drain: drainMicrotasks, untilMs, stop: () => settled && isDone() });
    },
  };
  return { deployment, network };
}
