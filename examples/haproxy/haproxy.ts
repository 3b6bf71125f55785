/**
 * Helpers of the HAProxy example: fill the config template, start Debian's
 * HAProxy on it, and start checkout replicas (every service of the checkout
 * in one process, sharing the databases) on a real transport.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { sleep } from "../../src/core/clock.js";
import { createRandom } from "../../src/core/random.js";
import { bindService, CHECKOUT_DEFINITIONS, createCheckoutServices } from "../../src/core/system/services.js";
import type { CheckoutStores } from "../../src/core/system/stores.js";
import { SERVICE_NAMES } from "../../src/core/vocabulary.js";
import type { Transport } from "../../src/transports/call.js";
import { createInProcessTransport } from "../../src/transports/inproc/index.js";
import { createReverseProxy } from "../../src/transports/middleware/reverse-proxy.js";
import { createRouter } from "../../src/transports/router.js";
import { systemClock } from "../../src/transports/system-clock.js";
import type { HostedServer, NetworkHost } from "../../src/sim/network-host.js";

/** Where Debian installs HAProxy. */
export const HAPROXY = "/usr/sbin/haproxy";
/** The config template next to this file. */
export const TEMPLATE = join(import.meta.dirname, "haproxy.cfg.template");

/** The template with every `${NAME}` replaced; a placeholder without a value is an error. */
export function renderConfig(template: string, values: Readonly<Record<string, number | string>>): string {
  return template.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`haproxy template: no value for \${${name}}`);
    return String(values[name]);
  });
}

/** A free TCP port on 127.0.0.1 (free when asked: another process could take it before it is used). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A running HAProxy; `stop` kills it and waits for it to exit. */
export interface RunningHaproxy {
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Writes the config into `dir`, checks it (`haproxy -c`), starts HAProxy in the foreground and waits until `ports` accept connections. */
export async function startHaproxy(dir: string, config: string, ports: readonly number[]): Promise<RunningHaproxy> {
  if (!existsSync(HAPROXY)) throw new Error(`${HAPROXY} is not installed (apt-get install haproxy)`);
  const path = join(dir, "haproxy.cfg");
  await writeFile(path, config);
  const child = spawn(HAPROXY, ["-f", path, "-db"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  try {
    for (const port of ports) await waitForPort(port, () => (child.exitCode !== null ? `haproxy exited: ${stderr}` : undefined));
  } catch (error) {
    await stop();
    throw error;
  }
  return { process: child, stop };
}

async function waitForPort(port: number, failed: () => string | undefined): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const why = failed();
    if (why) throw new Error(why);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await sleep(systemClock, 25);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/** One replica of the whole checkout: the six services in one process over shared databases, served on a real transport. */
export interface CheckoutReplica {
  readonly name: string;
  readonly server: HostedServer;
  /** Calls it served (CriarPedido from outside). */
  calls: number;
}

/**
 * Serves a replica of the checkout: its services call each other in-process,
 * and the router it serves is the project's reverse proxy over them, which
 * also counts the calls that reach this replica.
 */
export async function startCheckoutReplica(host: NetworkHost, name: string, stores: CheckoutStores, seed: number): Promise<CheckoutReplica> {
  const inner = createRouter();
  const local = createInProcessTransport(inner, { clock: systemClock });
  const services = createCheckoutServices({ stores, clock: () => systemClock, random: createRandom(seed).fork("services"), connect: () => local });
  for (const service of SERVICE_NAMES) bindService(inner, service, services[service]);
  const replica = { name, calls: 0 } as { name: string; server: HostedServer; calls: number };
  const counting: Transport = { call: (request) => (replica.calls++, local.call(request)) };
  replica.server = await host.serve(createReverseProxy(Object.values(CHECKOUT_DEFINITIONS), counting), { port: 0, clock: systemClock });
  return replica;
}

/** The template as shipped. */
export async function readTemplate(): Promise<string> {
  return readFile(TEMPLATE, "utf8");
}
