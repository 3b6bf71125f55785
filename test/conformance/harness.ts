/**
 * The conformance harness: every transport the suite runs over, behind one
 * factory type. To put a new transport (gRPC, HTTP, sim) through the whole
 * suite, add ONE entry to {@link TRANSPORTS}; nothing else changes.
 */
import { sleep, type Clock } from "../../src/core/clock.js";
import { ConformanceDefinition } from "../../src/gen/lab/v1/conformance.js";
import type { Interceptor, Transport } from "../../src/transports/call.js";
import { createClient, type ClientOf } from "../../src/transports/client.js";
import { createInProcessTransport } from "../../src/transports/inproc/index.js";
import { createRouter, type Router } from "../../src/transports/router.js";
import { systemClock } from "../../src/transports/system-clock.js";
import { ConformanceService } from "./conformance-service.js";
import { grpcTransportFactory } from "./grpc-factory.js";
import { httpTransportFactory } from "./http-factory.js";
import { simTransportFactory } from "./sim-factory.js";
import { withMiddlewareStack } from "./middleware-factory.js";

/** What {@link TransportFactory.start} gets besides the router. */
export interface StartOptions {
  /** The server's clock: deadlines are timed on it (the suite uses the system clock). */
  readonly clock: Clock;
}

/** A running transport: a client side wired to a server serving the router. */
export interface StartedTransport {
  /** The client side; `createClient(definition, transport)` works on it. */
  readonly transport: Transport;
  /** Stops the server and closes client connections; safe to call once after any test outcome. */
  close(): Promise<void>;
}

/**
 * One transport under test. `start` serves `router` (a real transport listens
 * on loopback port 0) and returns a client transport connected to it.
 */
export interface TransportFactory {
  /** Names the transport in test output, e.g. `inproc (codec)`. */
  readonly name: string;
  start(router: Router, opts: StartOptions): Promise<StartedTransport>;
}

/** The in-process transport, with or without the encode/decode round trip. */
function inProcess(codec: boolean): TransportFactory {
  return {
    name: codec ? "inproc (codec)" : "inproc (no codec)",
    async start(router, { clock }) {
      return { transport: createInProcessTransport(router, { codec, clock }), close: async () => {} };
    },
  };
}

const BARE: readonly TransportFactory[] = [inProcess(true), inProcess(false), simTransportFactory, grpcTransportFactory, httpTransportFactory];
/** Every transport the conformance suite runs over, bare and behind the middleware stack (registry, balancer, breaker, retry). Add a transport here. */
export const TRANSPORTS: readonly TransportFactory[] = [...BARE, ...BARE.map(withMiddlewareStack)];

/** A transport serving a fresh {@link ConformanceService}, with a client on it. */
export interface ConformanceFixture {
  /** The service instance behind the transport: its records tell what handlers observed. */
  readonly service: ConformanceService;
  readonly transport: Transport;
  /** A client without interceptors. */
  readonly client: ClientOf<typeof ConformanceDefinition>;
  /** A client on the same transport with `interceptors` (first listed outermost). */
  clientWith(interceptors: readonly Interceptor[]): ClientOf<typeof ConformanceDefinition>;
  close(): Promise<void>;
}

/** Starts `factory` serving a new ConformanceService on `clock` (default: the system clock). */
export async function startConformance(factory: TransportFactory, clock: Clock = systemClock): Promise<ConformanceFixture> {
  const service = new ConformanceService(clock);
  const started = await factory.start(createRouter().service(ConformanceDefinition, service), { clock });
  return {
    service,
    transport: started.transport,
    client: createClient(ConformanceDefinition, started.transport),
    clientWith: (interceptors) => createClient(ConformanceDefinition, started.transport, { interceptors }),
    close: () => started.close(),
  };
}

/**
 * Resolves once `predicate` holds, polling every few ms; rejects after
 * `timeoutMs` (default 1000). Server-side effects (a handler's `finally`, its
 * abort) may land after the caller has its answer, over a real wire always.
 */
export async function waitFor(
  predicate: () => boolean,
  what: string,
  { timeoutMs = 2000, clock = systemClock }: { timeoutMs?: number; clock?: Clock } = {},
): Promise<void> {
  const until = clock.now() + timeoutMs;
  while (!predicate()) {
    if (clock.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(clock, 5);
  }
}
