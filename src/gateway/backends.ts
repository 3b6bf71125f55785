import type { Clock } from "../core/clock.js";
import { createRandom } from "../core/random.js";
import type { SqlStore } from "../core/store/sql-store.js";
import type { CheckoutStores } from "../core/system/stores.js";
import { SERVICE_NAMES, type ServiceName } from "../core/vocabulary.js";
import { CalculatorDefinition } from "../gen/lab/v1/calculator.js";
import { ServiceADefinition } from "../gen/lab/v1/greeter.js";
import { HortifrutiDefinition } from "../gen/lab/v1/hortifruti.js";
import { ServiceBDefinition } from "../gen/lab/v1/numbers.js";
import { SquareServiceDefinition } from "../gen/lab/v1/square.js";
import { CalculatorService } from "../lab/calculator/calculator-service.js";
import { SquareService } from "../lab/calculator/square-service.js";
import { GreeterService } from "../lab/hello/greeter-service.js";
import { NumbersService } from "../lab/hello/numbers-service.js";
import { HortifrutiService } from "../lab/hortifruti/hortifruti-service.js";
import { deployNetwork } from "../sim/deploy-network.js";
import type { HostedClient, HostedServer, NetworkHost } from "../sim/network-host.js";
import { NETWORK_HOSTS } from "../sim/network-hosts.js";
import { Scheduler } from "../sim/scheduler.js";
import { Trace } from "../sim/trace.js";
import type { Transport } from "../transports/call.js";
import { createRouter, type Router } from "../transports/router.js";
import { createInProcessHost } from "./inproc-host.js";

/** The transports the services behind the gateway can run on. */
export const BACKEND_TRANSPORTS = ["grpc", "http", "inproc"] as const;
/** One of {@link BACKEND_TRANSPORTS}. */
export type BackendTransport = (typeof BACKEND_TRANSPORTS)[number];

/** The seed lab services the gateway also fronts, each with its definition. */
export const LAB_DEFINITIONS = {
  calculator: CalculatorDefinition,
  square: SquareServiceDefinition,
  greeter: ServiceADefinition,
  numbers: ServiceBDefinition,
  hortifruti: HortifrutiDefinition,
} as const;
/** One lab service. */
export type LabName = keyof typeof LAB_DEFINITIONS;
/** Every service behind the gateway: the six of the checkout and the lab's five. */
export type BackendName = ServiceName | LabName;

/** Options of {@link startBackends}. */
export interface BackendOptions {
  readonly transport: BackendTransport;
  /** The checkout's six databases. */
  readonly stores: CheckoutStores;
  /** Seed 002's hortifruti.db. */
  readonly hortifruti: SqlStore;
  /** Seeds the services' random streams (payment approval). */
  readonly seed: number;
  /** The wall clock (timers, deadlines, order times). */
  readonly clock: Clock;
}

/** The running services, and a client transport to each. */
export interface Backends {
  readonly transport: BackendTransport;
  /** A client transport to each service, over `transport`. */
  readonly transports: Readonly<Record<BackendName, Transport>>;
  /** The loopback port each service listens on (for inproc, its id in this process). */
  readonly ports: Readonly<Record<BackendName, number>>;
  /** Stops every server and closes every client. */
  close(): Promise<void>;
}

/**
 * Starts the checkout's six services, each behind its own server of
 * `transport`, exactly as `npm run sim -- --transport grpc|http` deploys them
 * (deployNetwork: clients with deadlines and retries, Pedidos' recovery loop),
 * only on the wall clock and without faults; and beside them the seed lab
 * services, one server each.
 */
export async function startBackends(options: BackendOptions): Promise<Backends> {
  const { clock } = options;
  const host: NetworkHost = options.transport === "inproc" ? createInProcessHost() : NETWORK_HOSTS[options.transport]!;
  const checkout = await deployNetwork(
    {
      stores: options.stores,
      // deployNetwork runs on the wall clock; the scheduler is part of the context type only.
      scheduler: new Scheduler(),
      random: createRandom(options.seed),
      // Hashed only (no lines kept): constant memory however long the server runs.
      trace: new Trace(),
      onRetry: () => {},
      onCall: () => {},
    },
    host,
    { faults: [] },
    clock,
  );
  const labRouters: Readonly<Record<LabName, Router>> = {
    calculator: createRouter().service(CalculatorDefinition, new CalculatorService()),
    square: createRouter().service(SquareServiceDefinition, new SquareService()),
    greeter: createRouter().service(ServiceADefinition, new GreeterService()),
    numbers: createRouter().service(ServiceBDefinition, new NumbersService({ clock })),
    hortifruti: createRouter().service(HortifrutiDefinition, new HortifrutiService({ store: options.hortifruti })),
  };
  const servers: HostedServer[] = [];
  const ports: Partial<Record<BackendName, number>> = { ...checkout.ports };
  for (const [name, router] of Object.entries(labRouters) as [LabName, Router][]) {
    const server = await host.serve(router, { port: 0, clock });
    servers.push(server);
    ports[name] = server.port;
  }
  const clients = new Map<BackendName, HostedClient>();
  for (const name of [...SERVICE_NAMES, ...(Object.keys(LAB_DEFINITIONS) as LabName[])]) clients.set(name, host.connect(ports[name]!, { clock }));
  return {
    transport: options.transport,
    transports: Object.fromEntries([...clients].map(([name, client]) => [name, client.transport])) as Record<BackendName, Transport>,
    ports: ports as Record<BackendName, number>,
    async close() {
      for (const client of clients.values()) await client.close();
      for (const server of servers) await server.close();
      await checkout.close();
    },
  };
}
