import type { Clock } from "../core/clock.js";
import type { Random } from "../core/random.js";
import type { ServiceName } from "../core/vocabulary.js";
import type { Transport } from "../transports/call.js";
import { balanced } from "../transports/middleware/balancer.js";
import { createBreakerSet } from "../transports/middleware/circuit-breaker.js";
import { startHeartbeats } from "../transports/middleware/heartbeat.js";
import { createServiceRegistry, type ServiceInstance } from "../transports/middleware/registry.js";
import { SIM_RESILIENCE } from "./deploy-sim.js";
import { SIM_DISCOVERY } from "./registry/sim-registry.js";
import { createRoutingStats, type RoutingStats } from "./registry/routing-stats.js";
import { balancerOf, makeStrategy, replicaCount, replicaNodeNames, replicatedServices, type BalancerChoice, type ReplicaLayout } from "./replicas.js";
import type { TraceEvent } from "./trace.js";

/** Replicas of a deployment over a real transport. */
export interface NetworkReplication {
  readonly replicas?: ReplicaLayout;
  readonly balancer?: BalancerChoice;
}

/** Discovery and balancing for a deployment over real transports (wall clock, in-process registry). */
export interface NetworkReplicas {
  /** Statistics of the run, or undefined when no service runs replicas. */
  readonly routing: RoutingStats | undefined;
  /**
   * How a caller reaches `service`: a balancer over its replicas, or undefined
   * when it runs one instance. `connect` is how this caller reaches one replica
   * (default: the replica's own transport).
   */
  transportTo(service: ServiceName, caller: string, connect?: (instance: ServiceInstance) => Transport): Transport | undefined;
  /** Registers a started replica and beats for it while `isUp()` (a crashed server misses its beats). */
  add(service: ServiceName, node: string, transport: Transport, isUp: () => boolean): void;
  /** Feed the fault surface's trace events (crash and heal). */
  observe(event: TraceEvent): void;
  /** Stops the heartbeats and the registry. */
  close(): void;
}

/**
 * The registry, heartbeats and balancers of a replicated deployment on real
 * servers: the registry is an in-process object on the wall clock, each
 * replica's heartbeat timer beats only while its server runs, and every caller
 * gets its own balancer (strategy, per-replica breakers, one failover).
 */
export function createNetworkReplicas(options: NetworkReplication & { readonly clock: Clock; readonly random: Random }): NetworkReplicas {
  const { clock, random } = options;
  const replicated = replicatedServices(options.replicas);
  // The plan's clock starts when the last server is up, right after the last add().
  let startMs = clock.now();
  const routing =
    replicated.length === 0
      ? undefined
      : createRoutingStats({
          replicaNodes: replicated.flatMap((service) => replicaNodeNames(service, replicaCount(options.replicas, service))),
          boundMs: SIM_DISCOVERY.missedBeats * SIM_DISCOVERY.heartbeatIntervalMs + SIM_RESILIENCE.serviceAttemptMs,
          startMs: () => startMs,
        });
  const registry = createServiceRegistry({ clock, heartbeatIntervalMs: SIM_DISCOVERY.heartbeatIntervalMs, missedBeats: SIM_DISCOVERY.missedBeats });
  registry.onChange((event) => routing?.observe({ t: clock.now(), ev: "registry", id: event.id, state: event.state }));
  const stops: (() => void)[] = [];
  return {
    routing,
    transportTo(service, caller, connect) {
      if (replicaCount(options.replicas, service) <= 1) return undefined;
      return balanced({
        service,
        registry,
        strategy: makeStrategy(balancerOf(options.balancer, service), random.fork(`balance:${caller}:${service}`)),
        breakers: createBreakerSet({ clock, failureThreshold: SIM_RESILIENCE.breakerFailures, openMs: SIM_RESILIENCE.breakerOpenMs }),
        failover: {},
        ...(connect ? { connect } : {}),
        onPick: (pick) => routing?.observe({ t: clock.now(), ev: "call", to: pick.id }),
      });
    },
    add(service, node, transport, isUp) {
      startMs = clock.now();
      if (replicaCount(options.replicas, service) <= 1) return;
      const handle = registry.register(service, { id: node, address: node, transport });
      stops.push(startHeartbeats({ clock, intervalMs: SIM_DISCOVERY.heartbeatIntervalMs, immediate: false, beat: () => (isUp() ? handle.beat() : undefined) }));
    },
    observe: (event) => routing?.observe({ t: clock.now(), ...event }),
    close() {
      for (const stop of stops) stop();
      registry.close();
    },
  };
}
