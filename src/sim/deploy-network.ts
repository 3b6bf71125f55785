import { sleep, type Clock } from "../core/clock.js";
import { CHECKOUT_DEFINITIONS, bindService, createService } from "../core/system/services.js";
import { SERVICE_NAMES, type ServiceName } from "../core/vocabulary.js";
import { applyInterceptors, type Interceptor, type Transport } from "../transports/call.js";
import { Code } from "../transports/codes.js";
import { createClient, createRouter } from "../transports/index.js";
import { deadline } from "../transports/middleware/deadline.js";
import { linkFaults, type LinkFaults } from "../transports/middleware/link-faults.js";
import type { ServiceInstance } from "../transports/middleware/registry.js";
import { retry } from "../transports/middleware/retry.js";
import { RetryBudget } from "../transports/middleware/retry-budget.js";
import { tracing } from "../transports/middleware/tracing.js";
import { RpcError } from "../transports/rpc-error.js";
import { CLIENT_NODE, SIM_RESILIENCE, startRecovery } from "./deploy-sim.js";
import type { Deployment, DeploymentContext } from "./deployment.js";
import { scheduleFaults } from "./faults/inject.js";
import type { FaultPlan } from "./faults/plan.js";
import type { FaultableNode, FaultSurface } from "./faults/surface.js";
import type { HostedClient, HostedServer, NetworkHost } from "./network-host.js";
import { createNetworkReplicas, type NetworkReplication } from "./replicas-network.js";
import type { RoutingStats } from "./registry/routing-stats.js";
import { replicaCount, replicaNodeNames } from "./replicas.js";

/** A deployed checkout over a real transport, with what it takes to stop it. */
export interface NetworkDeployment {
  readonly deployment: Deployment;
  /** Calls per replica and dead-replica stops, when a service runs replicas. */
  readonly routing?: RoutingStats | undefined;
  /** The port each service's server listens on (kept across a crash and restart). */
  readonly ports: Readonly<Record<ServiceName, number>>;
  /** Stops every server and client (after the run). */
  close(): Promise<void>;
}

/**
 * Each service behind its own loopback server of a real transport (gRPC or
 * HTTP), calling the others through clients with the same resilience as the
 * simulator, and with the plan's faults injected as honestly as a real
 * transport allows: link faults by an interceptor on the caller's side, a
 * crash by stopping the server (its in-flight calls fail) and restarting a
 * fresh instance on the same port, pause and slowness by holding calls.
 * Time is the wall clock; fault times count from the start of the run.
 */
export async function deployNetwork(context: DeploymentContext, host: NetworkHost, plan: FaultPlan, wallClock: Clock, replication: NetworkReplication = {}): Promise<NetworkDeployment> {
  const { stores, random, trace } = context;
  const replicas = createNetworkReplicas({ ...replication, clock: wallClock, random });
  const links = new Map<string, LinkFaults>();
  const link = (from: string, to: string): LinkFaults => {
    const key = `${from}->${to}`;
    let state = links.get(key);
    if (!state) {
      // Loopback adds its own small latency; a plan adds more.
      state = { latency: { kind: "fixed", ms: 0 }, drop: 0, replyDrop: 0, duplicate: 0, clogged: false };
      links.set(key, state);
    }
    return state;
  };
  const clients = new Map<string, HostedClient>();
  const nodes = new Map<string, RealNode>();
  const replicated = (to: string): boolean => replicaCount(replication.replicas, to as ServiceName) > 1;
  const faultsOn = (from: RealNode, to: string, epoch = from.epoch): Interceptor =>
    linkFaults({ clock: wallClock, random: random.fork(`link:${from.name}->${to}:${epoch}`), link: () => link(from.name, to), target: () => nodes.get(to)! });
  const transportTo = (to: ServiceName, from: RealNode): Transport => {
    // Each replica is its own link, as in the simulator: a plan naming `pagamentos` hits its first replica only.
    const perReplica = new Map<string, Transport>();
    // The instance calling now: a replica is first picked later, perhaps after it crashed and restarted.
    const epoch = from.epoch;
    const connect = (instance: ServiceInstance): Transport => {
      let transport = perReplica.get(instance.id);
      if (!transport) perReplica.set(instance.id, (transport = { call: applyInterceptors(instance.transport.call, [faultsOn(from, instance.id, epoch)]) }));
      return transport;
    };
    return replicas.transportTo(to, from.name, connect) ?? { call: (request) => clients.get(to)!.transport.call(request) };
  };

  const interceptorsOf = (node: RealNode, to: string, timeoutMs: number, attemptMs: number, attempts: number, budget?: RetryBudget): Interceptor[] => {
    const epoch = node.epoch;
    return [
      deadline({ clock: node.clock, defaultTimeoutMs: timeoutMs }),
      retry({ clock: node.clock, random: random.fork(`retry:${node.name}:${epoch}`), maxAttempts: attempts, attemptTimeoutMs: attemptMs, budget, onRetry: (path) => context.onRetry(path) }),
      // A crashed instance's code may still be running in this process; it makes no more calls.
      (next) => (request) => (node.epoch === epoch ? next(request) : Promise.reject(new RpcError(Code.UNAVAILABLE, `${node.name} crashed`))),
      ...(replicated(to) ? [] : [faultsOn(node, to)]),
      tracing((event) => trace.record({ from: node.name, to, ...event })),
      observe(wallClock, context.onCall),
    ];
  };

  const client = new RealNode(CLIENT_NODE, wallClock, async () => ({ server: { port: 0, close: async () => {} } }));
  nodes.set(CLIENT_NODE, client);
  for (const name of SERVICE_NAMES) for (const nodeName of replicaNodeNames(name, replicaCount(replication.replicas, name))) {
    const node: RealNode = new RealNode(nodeName, wallClock, async () => {
      const service = createService(name, {
        stores,
        clock: () => node.clock,
        random: random.fork("services"),
        connect: (_from, to) => transportTo(to, node),
        // One retry budget per client between services: past saturation most attempts fail, and without it each
        // failure became up to `serviceAttempts` calls (a retry storm). The workload client and the sim retry unthrottled.
        interceptors: (_from, to) => interceptorsOf(node, to, SIM_RESILIENCE.serviceTimeoutMs, SIM_RESILIENCE.serviceAttemptMs, SIM_RESILIENCE.serviceAttempts, new RetryBudget()),
        ...(context.approvalRate !== undefined ? { approvalRate: context.approvalRate } : {}),
        ...(context.defects ? { defects: context.defects } : {}),
      });
      const server = await host.serve(bindService(createRouter(), name, service), { port: node.port, clock: node.clock });
      node.port = server.port;
      if (name !== "pedidos") return { server };
      return { server, stop: startRecovery(service as Parameters<typeof startRecovery>[0], node.clock) };
    });
    nodes.set(nodeName, node);
    await node.start();
    clients.set(nodeName, host.connect(node.port, { clock: wallClock }));
    replicas.add(name, nodeName, clients.get(nodeName)!.transport, () => node.up);
  }

  const surface: FaultSurface = {
    clock: wallClock,
    nodes: [...nodes.values()],
    node: (name) => {
      const node = nodes.get(name);
      if (!node) throw new Error(`no node ${name}`);
      return node;
    },
    link,
    record: (event) => (replicas.observe(event), trace.record(event)),
  };
  scheduleFaults(surface, plan);

  const deployment: Deployment = {
    pedidos: createClient(CHECKOUT_DEFINITIONS.pedidos, transportTo("pedidos", client), {
      interceptors: interceptorsOf(client, "pedidos", SIM_RESILIENCE.clientTimeoutMs, SIM_RESILIENCE.clientAttemptMs, SIM_RESILIENCE.clientAttempts),
    }),
    clock: wallClock,
    async run(workload, isDone, untilMs) {
      await workload;
      while (!isDone() && wallClock.now() < untilMs) await sleep(wallClock, 50);
    },
  };
  return {
    deployment,
    routing: replicas.routing,
    ports: Object.fromEntries(SERVICE_NAMES.map((name) => [name, nodes.get(name)!.port])) as Record<ServiceName, number>,
    async close() {
      replicas.close();
      for (const node of nodes.values()) await node.stop();
      for (const c of clients.values()) await c.close();
    },
  };
}

/** Reports each call's wall duration and outcome. */
function observe(clock: Clock, onCall: DeploymentContext["onCall"]): Interceptor {
  return (next) => async (request) => {
    const started = clock.now();
    try {
      const response = await next(request);
      onCall(request.path, clock.now() - started, true);
      return response;
    } catch (error) {
      onCall(request.path, clock.now() - started, false);
      throw error;
    }
  };
}

/** A service process over a real transport: its server, its skewable clock, and crash/restart. */
class RealNode implements FaultableNode {
  readonly name: string;
  offsetMs = 0;
  slowMs = 0;
  paused = false;
  epoch = 0;
  port = 0;
  readonly clock: Clock;
  #running: { server: HostedServer; stop?: () => void } | undefined;
  #transition: Promise<void> = Promise.resolve();
  #waiters: (() => void)[] = [];
  readonly #start: () => Promise<{ server: HostedServer; stop?: () => void }>;

  constructor(name: string, wall: Clock, start: () => Promise<{ server: HostedServer; stop?: () => void }>) {
    this.name = name;
    this.#start = start;
    this.clock = { now: () => wall.now() + this.offsetMs, setTimer: (ms, fn) => wall.setTimer(ms, fn) };
  }

  async start(): Promise<void> {
    this.#running = await this.#start();
  }

  /** Whether its server is running (not crashed). */
  get up(): boolean {
    return this.#running !== undefined;
  }

  /** Stops for good (end of the run), after any crash or restart under way. */
  async stop(): Promise<void> {
    await this.#transition;
    await this.#halt();
  }

  crash(): void {
    this.epoch++;
    this.#transition = this.#transition.then(() => this.#halt());
  }

  async #halt(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    running?.stop?.();
    await running?.server.close();
  }

  restart(): void {
    this.#transition = this.#transition.then(async () => {
      if (!this.#running) await this.start();
    });
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  resumed(): Promise<void> {
    return this.paused ? new Promise((resolve) => this.#waiters.push(resolve)) : Promise.resolve();
  }
}
