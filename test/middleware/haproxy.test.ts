/**
 * The HAProxy example (examples/haproxy): Debian's HAProxy in front of two
 * gRPC (h2c) and two HTTP/JSON replicas of the checkout on loopback. Orders go
 * through it, reach both replicas, and killing one loses no order.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createRandom } from "../../src/core/random.js";
import { CHECKOUT_DEFINITIONS } from "../../src/core/system/services.js";
import { createCheckoutStores, type CheckoutStores } from "../../src/core/system/stores.js";
import { NON_TERMINAL_STATUSES, sqlList } from "../../src/core/vocabulary.js";
import { generateCatalog } from "../../src/data/synthetic.js";
import { checkInvariants } from "../../src/sim/invariants.js";
import { NETWORK_HOSTS } from "../../src/sim/network-hosts.js";
import { generateWorkload } from "../../src/sim/workload.js";
import { createClient } from "../../src/transports/client.js";
import type { Transport } from "../../src/transports/call.js";
import { retry } from "../../src/transports/middleware/retry.js";
import { deadline } from "../../src/transports/middleware/deadline.js";
import { systemClock } from "../../src/transports/system-clock.js";
import { freePort, HAPROXY, readTemplate, renderConfig, startCheckoutReplica, startHaproxy, type CheckoutReplica, type RunningHaproxy } from "../../examples/haproxy/haproxy.js";

const present = existsSync(HAPROXY);
if (!present && process.env.CI) throw new Error(`${HAPROXY} is missing and CI is set: install haproxy`);

describe("HAProxy in front of checkout replicas", { skip: present ? false : `${HAPROXY} not installed` }, () => {
  const SEED = 11;
  let dir: string;
  let haproxy: RunningHaproxy | undefined;
  const replicas: Record<"grpc" | "http", CheckoutReplica[]> = { grpc: [], http: [] };
  const stores: Partial<Record<"grpc" | "http", CheckoutStores>> = {};
  const fronts = { grpc: 0, http: 0 };
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "haproxy-"));
    for (const kind of ["grpc", "http"] as const) {
      stores[kind] = await createCheckoutStores(generateCatalog(SEED));
      for (const n of [1, 2]) replicas[kind].push(await startCheckoutReplica(NETWORK_HOSTS[kind]!, `${kind}${n}`, stores[kind]!, SEED));
    }
    fronts.grpc = await freePort();
    fronts.http = await freePort();
    const config = renderConfig(await readTemplate(), {
      GRPC_FRONT_PORT: fronts.grpc,
      HTTP_FRONT_PORT: fronts.http,
      GRPC_PORT_1: replicas.grpc[0]!.server.port,
      GRPC_PORT_2: replicas.grpc[1]!.server.port,
      HTTP_PORT_1: replicas.http[0]!.server.port,
      HTTP_PORT_2: replicas.http[1]!.server.port,
    });
    haproxy = await startHaproxy(dir, config, [fronts.grpc, fronts.http]);
  });

  after(async () => {
    await haproxy?.stop();
    for (const close of closers) await close();
    for (const replica of [...replicas.grpc, ...replicas.http]) await replica.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const kind of ["grpc", "http"] as const) {
    test(`${kind}: orders through HAProxy reach both replicas; one killed midway, no order is lost and every invariant holds`, { timeout: 30_000 }, async () => {
      const connection = NETWORK_HOSTS[kind]!.connect(fronts[kind], { clock: systemClock });
      closers.push(() => connection.close());
      const transport: Transport = connection.transport;
      const pedidos = createClient(CHECKOUT_DEFINITIONS.pedidos, transport, {
        interceptors: [deadline({ clock: systemClock, defaultTimeoutMs: 20_000 }), retry({ clock: systemClock, random: createRandom(SEED).fork("retry"), maxAttempts: 10, attemptTimeoutMs: 3000, baseMs: 20 })],
      });
      const catalog = generateCatalog(SEED);
      const orders = generateWorkload(createRandom(SEED).fork("workload"), catalog, { orders: 40 });
      const place = (i: number) =>
        pedidos.criarPedido({ clienteId: orders[i]!.clienteId, itens: orders[i]!.itens, metodoPagamento: orders[i]!.metodo, chaveIdempotencia: `${kind}-${i}` });
      for (let i = 0; i < 20; i++) await place(i);
      const [first, second] = replicas[kind];
      assert.ok(first!.calls > 0 && second!.calls > 0, `both replicas served: ${first!.calls}, ${second!.calls}`);
      // Kill the first replica while orders are in flight; HAProxy redispatches, the client retries.
      const inFlight = Array.from({ length: 10 }, (_, j) => place(20 + j));
      await first!.server.close();
      await Promise.all(inFlight);
      const [killedAt, survivorAt] = [first!.calls, second!.calls];
      for (let i = 30; i < 40; i++) await place(i);
      assert.equal(first!.calls, killedAt, "nothing reaches the killed replica");
      assert.ok(second!.calls >= survivorAt + 10, "the survivor takes every order after the kill");
      const db = stores[kind]!;
      const placed = db.pedidos.get<{ n: number }>("SELECT COUNT(*) AS n FROM pedidos")!.n;
      const pending = db.pedidos.get<{ n: number }>(`SELECT COUNT(*) AS n FROM pedidos WHERE status IN ${sqlList(NON_TERMINAL_STATUSES)}`)!.n;
      assert.equal(placed, 40, "every order placed exactly once");
      assert.equal(pending, 0, "every order terminal");
      assert.deepEqual(checkInvariants(db).filter((i) => !i.ok), []);
    });
  }
});
