import { sleep, type Clock } from "../../core/clock.js";
import { ServiceADefinition, type HelloReply, type HelloRequest } from "../../gen/lab/v1/greeter.js";
import type { Transport } from "../../transports/call.js";
import { createClient } from "../../transports/client.js";
import { codeName } from "../../transports/codes.js";
import { balanced } from "../../transports/middleware/balancer.js";
import { createBreakerSet } from "../../transports/middleware/circuit-breaker.js";
import { withFallback, type FallbackEvent } from "../../transports/middleware/fallback.js";
import type { ServiceRegistry } from "../../transports/middleware/registry.js";
import { createRouter, type ImplOf, type Router } from "../../transports/router.js";
import { RpcError } from "../../transports/rpc-error.js";
import { createRandom } from "../../core/random.js";
import { drainMicrotasks } from "../drain.js";
import { SimNetwork } from "../network/sim-network.js";
import { Scheduler } from "../scheduler.js";
import { createSimTransport } from "../sim-transport.js";
import { createSimRegistry } from "./sim-registry.js";

/** The service name the demo's servers register under. */
export const HELLO_SERVICE = "hello";
/** The primary and the secondary. */
export const HELLO_INSTANCES = ["hello-1", "hello-2"] as const;

/** The seed's server: asked "Hello", it answers "World". */
export class WorldService implements ImplOf<typeof ServiceADefinition> {
  /** "World" to "Hello"; anything else is echoed back, so a wrong route shows. */
  async sayHello(request: HelloRequest): Promise<HelloReply> {
    return { message: request.name === "Hello" ? "World" : request.name };
  }
}

/** A router serving {@link WorldService}. */
export function worldRouter(): Router {
  return createRouter().service(ServiceADefinition, new WorldService());
}

/** Where the demo runs: the simulator or real servers. */
export interface DemoWorld {
  readonly clock: Clock;
  /** Discovery, with both instances registered and beating. */
  readonly registry: ServiceRegistry;
  /** The client's connection to an instance. */
  connect(id: string): Transport;
  /** Kills an instance's process: its server stops answering and its heartbeats stop. */
  kill(id: string): Promise<void>;
}

/** Options of {@link runHelloDemo}. */
export interface HelloDemoOptions {
  /** Calls to make. Default: 10. */
  readonly calls?: number;
  /** Time between calls. Default: 200 ms. */
  readonly intervalMs?: number;
  /** The primary is killed just before this call (1-based). Default: 4. */
  readonly killBefore?: number;
}

/**
 * The seed's demonstration: a client says "Hello"; the middleware resolves
 * the service in the registry, calls the primary and the answer is "World".
 * Then the primary is killed: the next call fails on it and falls back to the
 * secondary, the breaker opens, the heartbeats stop and the registry marks it
 * down; every later call goes to the secondary. Each event is logged as it
 * happens, stamped with the clock. Resolves with the answers.
 */
export async function runHelloDemo(world: DemoWorld, log: (line: string) => void, options: HelloDemoOptions = {}): Promise<string[]> {
  const { clock, registry } = world;
  const [primaryId, secondaryId] = HELLO_INSTANCES;
  const start = clock.now();
  const say = (line: string) => log(`t=${String(Math.round(clock.now() - start)).padStart(5)} ms  ${line}`);
  const breakers = createBreakerSet({ clock, failureThreshold: 2, openMs: 60_000 });
  breakers.onChange((event) => say(`breaker   ${event.name}: ${event.from} -> ${event.to} (${event.reason})`));
  registry.onChange((event) => say(`registry  ${event.id} is ${event.state} (${event.reason === "expired" ? "heartbeats missed" : event.reason})`));
  let servedBy = "";
  const through = (ids: (id: string) => boolean): ServiceRegistry => ({ ...registry, resolve: (service) => registry.resolve(service).filter((i) => ids(i.id)) });
  const leg = (ids: (id: string) => boolean) =>
    balanced({
      service: HELLO_SERVICE,
      registry: through(ids),
      breakers,
      connect: (instance) => world.connect(instance.id),
      onPick: (pick) => (servedBy = pick.id),
    });
  const transport = withFallback({
    primary: leg((id) => id === primaryId),
    secondary: leg((id) => id !== primaryId),
    clock,
    onFallback: (event) => say(`fallback  ${primaryId} ${why(event)}: sending to ${secondaryId}`),
  });
  function why(event: FallbackEvent): string {
    if (registry.instances(HELLO_SERVICE).some((i) => i.id === primaryId && i.state === "down")) return "is marked down in the registry";
    if (breakers.get(primaryId).state === "open") return "has its circuit open";
    return event.reason === "error" ? `failed (${codeName(event.error.code)}: ${event.error.message})` : "is out of rotation";
  }
  const client = createClient(ServiceADefinition, transport);
  const calls = options.calls ?? 10;
  const answers: string[] = [];
  say(`registry  ${HELLO_SERVICE}: ${registry.instances(HELLO_SERVICE).map((i) => `${i.id} ${i.state}`).join(", ")}`);
  for (let n = 1; n <= calls; n++) {
    if (n === (options.killBefore ?? 4)) {
      say(`kill      ${primaryId} (the primary) stops: no more answers, no more heartbeats`);
      await world.kill(primaryId);
    }
    try {
      const reply = await client.sayHello({ name: "Hello" }, { deadline: clock.now() + 1000 });
      answers.push(reply.message);
      say(`call ${String(n).padStart(2)}   client: "Hello" -> "${reply.message}" from ${servedBy}`);
    } catch (error) {
      const rpc = RpcError.from(error);
      answers.push(`error ${codeName(rpc.code)}`);
      say(`call ${String(n).padStart(2)}   client: "Hello" -> failed: ${codeName(rpc.code)}: ${rpc.message}`);
    }
    await sleep(clock, options.intervalMs ?? 200);
  }
  return answers;
}

/** The demo on a simulated network in virtual time: both servers, the registry node and the client; the same output every run. */
export async function runHelloDemoOnSim(log: (line: string) => void, options: HelloDemoOptions = {}): Promise<string[]> {
  const scheduler = new Scheduler({ startMs: 0 });
  const network = new SimNetwork({ scheduler, random: createRandom("demo"), record: () => {} });
  const registry = createSimRegistry(network);
  for (const id of HELLO_INSTANCES) {
    network.addNode(id, (node) => ({ router: worldRouter(), stop: registry.beatFrom(HELLO_SERVICE, node) }));
    registry.bootstrap(HELLO_SERVICE, id);
  }
  network.addNode("client", () => ({ router: createRouter() }));
  const world: DemoWorld = {
    clock: scheduler,
    registry: registry.view,
    connect: (id) => createSimTransport(network, "client", id),
    kill: async (id) => network.node(id).crash(),
  };
  const demo = runHelloDemo(world, log, options);
  let done = false;
  void demo.finally(() => (done = true));
  await scheduler.run({ drain: drainMicrotasks, untilMs: Number.POSITIVE_INFINITY, stop: () => done });
  return demo;
}
