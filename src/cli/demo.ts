/** CLI: the seed demonstrations (`npm run demo -- middleware [--transport sim|grpc|http]`). */
import { startHeartbeats } from "../transports/middleware/heartbeat.js";
import { createServiceRegistry } from "../transports/middleware/registry.js";
import { systemClock } from "../transports/system-clock.js";
import { NETWORK_HOSTS } from "../sim/network-hosts.js";
import type { HostedClient, HostedServer } from "../sim/network-host.js";
import { SIM_DISCOVERY } from "../sim/registry/sim-registry.js";
import { HELLO_INSTANCES, HELLO_SERVICE, runHelloDemo, runHelloDemoOnSim, worldRouter, type DemoWorld } from "../sim/registry/hello-demo.js";
import { intFlag, parseFlags, runCli, UsageError } from "./args.js";

const TRANSPORTS = ["sim", ...Object.keys(NETWORK_HOSTS)];

const USAGE = `usage: npm run demo -- middleware [--transport ${TRANSPORTS.join("|")}] [--calls N]

The seed's middleware demonstration: a client says "Hello", the middleware finds the
server in the registry, calls it, and the answer is "World". Then the primary is
killed: heartbeats stop, the registry marks it down, the breaker opens, and the calls
fall back to the secondary. Every event is printed as it happens.

  --transport T   sim (default: simulated network, virtual time, the same output every run),
                  or ${Object.keys(NETWORK_HOSTS).join(", ")} (two real servers on 127.0.0.1, wall time)
  --calls N       calls to make, 5..100 (default 10)
  -h, --help      show this help`;

await runCli("demo", USAGE, async () => {
  const [demo, ...rest] = process.argv.slice(2);
  if (demo === "-h" || demo === "--help") return void process.stdout.write(`${USAGE}\n`);
  if (demo !== "middleware") throw new UsageError(`unknown demo ${JSON.stringify(demo ?? "")} (known: middleware)`);
  const values = parseFlags(rest, { transport: { type: "string", default: "sim" }, calls: { type: "string" }, help: { type: "boolean", short: "h" } });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  if (!TRANSPORTS.includes(values.transport)) throw new UsageError(`--transport must be one of ${TRANSPORTS.join(", ")}, got ${JSON.stringify(values.transport)}`);
  const calls = intFlag("calls", values.calls, 5, 100, 10);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`middleware demo on ${values.transport}: ${HELLO_INSTANCES.join(" (primary), ")} (secondary); heartbeats every ${SIM_DISCOVERY.heartbeatIntervalMs} ms, down after ${SIM_DISCOVERY.missedBeats} missed`);
  const answers = values.transport === "sim" ? await runHelloDemoOnSim(log, { calls }) : await onNetwork(values.transport, log, calls);
  const worlds = answers.filter((a) => a === "World").length;
  log(`done: ${worlds} of ${answers.length} calls answered "World"`);
  return worlds === answers.length ? 0 : 1;
});

/** Two real servers on loopback, an in-process registry on the wall clock. */
async function onNetwork(transport: string, log: (line: string) => void, calls: number): Promise<string[]> {
  const host = NETWORK_HOSTS[transport]!;
  const registry = createServiceRegistry({ clock: systemClock, heartbeatIntervalMs: SIM_DISCOVERY.heartbeatIntervalMs, missedBeats: SIM_DISCOVERY.missedBeats });
  const servers = new Map<string, HostedServer>();
  const clients = new Map<string, HostedClient>();
  const beats = new Map<string, () => void>();
  try {
    for (const id of HELLO_INSTANCES) {
      const server = await host.serve(worldRouter(), { port: 0, clock: systemClock });
      const client = host.connect(server.port, { clock: systemClock });
      servers.set(id, server);
      clients.set(id, client);
      const handle = registry.register(HELLO_SERVICE, { id, address: `127.0.0.1:${server.port}`, transport: client.transport });
      beats.set(id, startHeartbeats({ clock: systemClock, intervalMs: SIM_DISCOVERY.heartbeatIntervalMs, immediate: false, beat: () => handle.beat() }));
      log(`server    ${id} listens on ${transport}://127.0.0.1:${server.port}`);
    }
    const world: DemoWorld = {
      clock: systemClock,
      registry,
      connect: (id) => clients.get(id)!.transport,
      async kill(id) {
        beats.get(id)?.();
        await servers.get(id)?.close();
        servers.delete(id);
      },
    };
    return await runHelloDemo(world, log, { calls });
  } finally {
    for (const stop of beats.values()) stop();
    registry.close();
    for (const client of clients.values()) await client.close();
    for (const server of servers.values()) await server.close();
  }
}
