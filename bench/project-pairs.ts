/**
 * The lab's Greeter (unary) and Numbers (server stream) behind each of the
 * project's transports, with the same shape as the raw baselines, so a bench
 * compares one call on a project transport with one on the plain library.
 */
import { ServiceADefinition } from "../src/gen/lab/v1/greeter.js";
import { ServiceBDefinition } from "../src/gen/lab/v1/numbers.js";
import { createRandom } from "../src/core/random.js";
import { GreeterService } from "../src/lab/hello/greeter-service.js";
import { NumbersService } from "../src/lab/hello/numbers-service.js";
import { drainMicrotasks } from "../src/sim/drain.js";
import { SimNetwork } from "../src/sim/network/sim-network.js";
import { NETWORK_HOSTS } from "../src/sim/network-hosts.js";
import { Scheduler } from "../src/sim/scheduler.js";
import { createSimTransport } from "../src/sim/sim-transport.js";
import type { CallContext, Transport } from "../src/transports/call.js";
import { createClient, createInProcessTransport, createRouter, type Router } from "../src/transports/index.js";
import { systemClock } from "../src/transports/system-clock.js";
import type { RawPair } from "./raw-pair.js";

/** The Greeter and Numbers services bound to a fresh router (Numbers on the system clock). */
export function helloRouter(): Router {
  return createRouter().service(ServiceADefinition, new GreeterService()).service(ServiceBDefinition, new NumbersService({ clock: systemClock }));
}

/** The two calls through typed clients over `transport`. */
export function pairOver(transport: Transport, close: () => Promise<void>): RawPair {
  const a = createClient(ServiceADefinition, transport);
  const b = createClient(ServiceBDefinition, transport);
  return {
    sayHello: async (name) => (await a.sayHello({ name })).message,
    async streamNumbers(count) {
      let sum = 0;
      for await (const reply of b.streamNumbers({ count, delayMs: 0 })) sum += reply.value;
      return sum;
    },
    close,
  };
}

/** The raw "direct method call" baseline: the service classes called as plain objects. */
export function directPair(): RawPair {
  const greeter = new GreeterService();
  const numbers = new NumbersService({ clock: systemClock });
  const context: CallContext = { path: "", signal: new AbortController().signal, deadline: undefined, metadata: {} };
  return {
    sayHello: async (name) => (await greeter.sayHello({ name })).message,
    async streamNumbers(count) {
      let sum = 0;
      for await (const reply of numbers.streamNumbers({ count, delayMs: 0 }, context)) sum += reply.value;
      return sum;
    },
    close: async () => {},
  };
}

/** In-process calls, with or without the protobuf encode/decode round trip. */
export function inprocPair(codec: boolean): RawPair {
  return pairOver(createInProcessTransport(helloRouter(), { codec }), async () => {});
}

/** The simulated network (default link latency, in virtual time): each call runs the scheduler until it settles. */
export function simPair(): RawPair {
  const scheduler = new Scheduler();
  const network = new SimNetwork({ scheduler, random: createRandom("bench"), record: () => {} });
  const router = helloRouter();
  network.addNode("server", () => ({ router }));
  network.addNode("client", () => ({ router: createRouter() }));
  const inner = pairOver(createSimTransport(network, "client", "server"), async () => {});
  const drive = async <T>(call: Promise<T>): Promise<T> => {
    let done = false;
    const settled = call.finally(() => (done = true));
    await scheduler.run({ drain: drainMicrotasks, stop: () => done });
    return settled;
  };
  return {
    sayHello: (name) => drive(inner.sayHello(name)),
    streamNumbers: (count) => drive(inner.streamNumbers(count)),
    close: async () => {},
  };
}

/** A project network transport (`grpc` or `http`) on loopback, as a deployment hosts it. */
export async function networkPair(name: "grpc" | "http"): Promise<RawPair> {
  const host = NETWORK_HOSTS[name]!;
  const server = await host.serve(helloRouter(), { port: 0, clock: systemClock });
  const client = host.connect(server.port, { clock: systemClock });
  return pairOver(client.transport, async () => {
    await client.close();
    await server.close();
  });
}
