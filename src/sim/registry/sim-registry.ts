import { createRouter } from "../../transports/router.js";
import { startHeartbeats } from "../../transports/middleware/heartbeat.js";
import { createServiceRegistry, type RegistrationHandle, type ServiceRegistry } from "../../transports/middleware/registry.js";
import type { SimNetwork } from "../network/sim-network.js";
import type { SimNode } from "../network/sim-node.js";
import { createSimTransport } from "../sim-transport.js";

/** The simulated node the registry runs on; plans may partition (or crash) it like any other node. */
export const REGISTRY_NODE = "registry";

/** The path heartbeat messages carry in the trace. */
export const HEARTBEAT_PATH = "/registry/Heartbeat";

/** Discovery settings of the simulated deployment (virtual ms). */
export const SIM_DISCOVERY = {
  /** Each replica beats this often. */
  heartbeatIntervalMs: 100,
  /** Beats missed before the registry marks a replica down. */
  missedBeats: 3,
} as const;

/** The registry node as callers and replicas see it. */
export interface SimRegistry {
  /** Reads the registry running now (a restarted registry node starts empty; beats fill it again). */
  readonly view: ServiceRegistry;
  /** Registers `node` as an instance of `service` now, as a deployment's static configuration does at start. */
  bootstrap(service: string, node: string): void;
  /** Starts `node`'s heartbeats, each one a message to the registry node; returns what stops them. */
  beatFrom(service: string, node: SimNode): () => void;
}

/**
 * The registry on its own simulated node. Heartbeats travel as messages on
 * the links `replica -> registry`, so a partition between them (or a lost
 * beat) is missed beats, and the registry marks the replica down after
 * {@link SIM_DISCOVERY}.missedBeats intervals. Callers read the registry's
 * state directly, as a client with an always-fresh view of it would: the
 * partition that matters is the one between registry and instances.
 */
export function createSimRegistry(network: SimNetwork): SimRegistry {
  let registry: ServiceRegistry | undefined;
  const handles = new Map<string, RegistrationHandle>();
  const node = network.addNode(REGISTRY_NODE, (registryNode) => {
    handles.clear();
    registry = createServiceRegistry({
      clock: registryNode.clock,
      heartbeatIntervalMs: SIM_DISCOVERY.heartbeatIntervalMs,
      missedBeats: SIM_DISCOVERY.missedBeats,
    });
    const running = registry;
    running.onChange((event) => network.record({ ev: "registry", service: event.service, id: event.id, state: event.state, reason: event.reason }));
    return { router: createRouter(), stop: () => running.close() };
  });
  const current = () => registry!;
  const beat = (service: string, id: string) => {
    const handle = handles.get(id);
    if (handle) return handle.beat();
    // The first beat (or the first after the registry restarted) registers the instance.
    handles.set(id, current().register(service, { id, address: id, transport: createSimTransport(network, REGISTRY_NODE, id) }));
  };
  const view: ServiceRegistry = {
    register: (service, registration) => current().register(service, registration),
    resolve: (service) => current().resolve(service),
    instances: (service) => current().instances(service),
    services: () => current().services(),
    onChange: (listener) => current().onChange(listener),
    check: () => current().check(),
    close: () => current().close(),
  };
  return {
    view,
    bootstrap: beat,
    beatFrom(service, replica) {
      return startHeartbeats({
        clock: replica.clock,
        intervalMs: SIM_DISCOVERY.heartbeatIntervalMs,
        immediate: false,
        beat: () =>
          network.send(replica.name, REGISTRY_NODE, { kind: "request", callId: network.nextCallId(), path: HEARTBEAT_PATH }, () => {
            if (node.up) beat(service, replica.name);
          }),
      });
    },
  };
}
