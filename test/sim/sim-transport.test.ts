import assert from "node:assert/strict";
import { test } from "node:test";
import { createRandom } from "../../src/core/random.js";
import { ConformanceDefinition } from "../../src/gen/lab/v1/conformance.js";
import { drainMicrotasks } from "../../src/sim/drain.js";
import { SimNetwork } from "../../src/sim/network/sim-network.js";
import { Scheduler } from "../../src/sim/scheduler.js";
import { createSimTransport } from "../../src/sim/sim-transport.js";
import { createClient } from "../../src/transports/client.js";
import { Code } from "../../src/transports/codes.js";
import { createRouter } from "../../src/transports/router.js";
import type { RpcError } from "../../src/transports/rpc-error.js";

test("sim transport: a handler result the codec refuses fails the call (UNKNOWN, as in process), and the run goes on", async () => {
  const scheduler = new Scheduler();
  const network = new SimNetwork({ scheduler, random: createRandom("codec-refusal"), record: () => {} });
  // An int32 field of 2^40: the encoder refuses it on the callee's side.
  const router = createRouter().service(ConformanceDefinition, { sleep: async () => ({ sleptMs: 2 ** 40 }) });
  network.addNode("server", () => ({ router }));
  network.addNode("client", () => ({ router: createRouter() }));
  const client = createClient(ConformanceDefinition, createSimTransport(network, "client", "server"));
  const started = scheduler.now();
  const call = client.sleep({ ms: 1 }, { deadline: started + 1000 });
  const outcome = call.then(
    () => undefined,
    (error: RpcError) => error,
  );
  await scheduler.run({ drain: drainMicrotasks });
  const error = await outcome;
  assert.equal(error?.code, Code.UNKNOWN);
  assert.ok(scheduler.now() - started < 1000, "answered, not timed out");
});
