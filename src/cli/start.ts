/** CLI: `npm start`, the checkout's six services, the seed lab services and Gateway P with its web page (`npm start -- --help`). */
import { once } from "node:events";
import { SERVICE_NAMES } from "../core/vocabulary.js";
import { MAX_SEED } from "../data/synthetic.js";
import { HortifrutiDefinition } from "../gen/lab/v1/hortifruti.js";
import { startHortifrutiSocketServer } from "../lab/hortifruti/socket-server.js";
import { BACKEND_TRANSPORTS, LAB_DEFINITIONS, startBackends, type BackendName, type BackendTransport, type Cliente, createGateway } from "../gateway/index.js";
import { openDatabases, saveDatabases } from "../gateway/data-dir.js";
import { createClient } from "../transports/client.js";
import { systemClock } from "../transports/system-clock.js";
import { intFlag, parseFlags, runCli, UsageError } from "./args.js";

const USAGE = `usage: npm start -- [--transport ${BACKEND_TRANSPORTS.join("|")}] [--port N] [--host H] [--seed N]
                   [--data-dir DIR] [--socket-port N]

Starts the six checkout services (each behind its own loopback server), the seed
lab services (calculator, square, greeter, numbers, hortifruti) and Gateway P,
which serves the web page and the HTTP routes (docs/gateway.md). Stops cleanly on
Ctrl-C (SIGINT) or SIGTERM.

  --transport T       grpc (default), http (HTTP/JSON), or inproc (direct calls in this process)
  --port N            Gateway P's port (default: $PORT, else 8080; 0 picks a free one)
  --host H            Gateway P's and the socket server's interface (default: $HOST, else 127.0.0.1)
  --seed N            seed of the synthetic catalog and the payment draws (default 1)
  --data-dir DIR      load the databases from DIR (when it holds them) and write them back there on
                      shutdown, so a restart keeps the orders
  --socket-port N     port of hortifruti's raw TCP line protocol, seed 002 (default 9090; 0 picks one)
  -h, --help          show this help`;

await runCli("start", USAGE, async () => {
  const values = parseFlags(process.argv.slice(2), {
    transport: { type: "string", default: "grpc" },
    port: { type: "string" },
    host: { type: "string" },
    seed: { type: "string" },
    "data-dir": { type: "string" },
    "socket-port": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const transport = values.transport as BackendTransport;
  if (!BACKEND_TRANSPORTS.includes(transport)) throw new UsageError(`--transport must be one of ${BACKEND_TRANSPORTS.join(", ")}, got ${JSON.stringify(values.transport)}`);
  // An empty PORT or HOST in the environment means unset, as in most servers.
  const port = values.port !== undefined ? intFlag("port", values.port, 0, 65535) : envPort(process.env.PORT);
  const socketPort = intFlag("socket-port", values["socket-port"], 0, 65535, 9090);
  const host = values.host ?? (process.env.HOST || "127.0.0.1");
  const seed = intFlag("seed", values.seed, 0, MAX_SEED, 1);
  const dataDir = values["data-dir"];

  const { databases, loaded } = await openDatabases({ seed, ...(dataDir ? { dir: dataDir } : {}) });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const backends = await startBackends({ transport, stores: databases.checkout, hortifruti: databases.hortifruti, seed, clock: systemClock });
    stops.push(() => backends.close());
    const socket = await startHortifrutiSocketServer({ client: createClient(HortifrutiDefinition, backends.transports.hortifruti), host, port: socketPort });
    stops.push(() => socket.close());
    const gateway = await createGateway({
      transports: backends.transports,
      host,
      port,
      clientes: () => databases.checkout.pedidos.all<Cliente>("SELECT id, nome, email FROM clientes ORDER BY id"),
    });
    stops.push(() => gateway.close());

    const where = (name: BackendName) => (transport === "inproc" ? "in-process" : `127.0.0.1:${backends.ports[name]}`);
    const lines = [
      `checkout-lab: services over ${transport}; databases ${loaded ? `loaded from ${dataDir}` : `new, synthetic catalog of seed ${seed}`}`,
      ...[...SERVICE_NAMES, ...(Object.keys(LAB_DEFINITIONS) as BackendName[])].map((name) => `  ${name.padEnd(12)} ${where(name)}`),
      `  hortifruti line protocol (seed 002) on tcp ${socket.host}:${socket.port}`,
      `Gateway P listening on ${gateway.url}/`,
      `Ctrl-C stops${dataDir ? ` and writes the databases to ${dataDir}` : ""}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } catch (error) {
    await stopAll();
    throw error;
  }

  const signal = await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
  // A second signal while shutting down stops at once.
  const force = () => process.exit(1);
  process.once("SIGINT", force).once("SIGTERM", force);
  process.stdout.write(`start: ${String(signal[0])}: closing the servers\n`);
  await stopAll();
  if (dataDir) {
    await saveDatabases(databases, dataDir);
    process.stdout.write(`start: databases written to ${dataDir}\n`);
  }
  return 0;
});

/** The gateway's port from the environment's PORT (unset or empty: 8080). */
function envPort(raw: string | undefined): number {
  if (!raw) return 8080;
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`PORT must be an integer in 0..65535, got ${JSON.stringify(raw)}`);
  return port;
}
