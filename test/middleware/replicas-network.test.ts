import assert from "node:assert/strict";
import { test } from "node:test";
import { runCheckout } from "../../src/sim/checkout-run.js";
import { SCENARIOS } from "../../src/sim/scenarios.js";
import { systemClock } from "../../src/transports/system-clock.js";

test("replica-crash over real HTTP servers: one server per replica, calls balanced, the crashed one routed around, every invariant holds", { timeout: 60_000 }, async () => {
  const orders = 40;
  // Orders every 25 ms: pagamentos-2 crashes at 30% of the window (300 ms), after a dozen orders have reached the replicas
  // (at 5 ms it crashed 60 ms in, sometimes before wall-clock start-up let any call reach it).
  const intervalMs = 25;
  const { report } = await runCheckout({
    seed: 3,
    orders,
    concurrency: 8,
    transport: "http",
    wallClock: systemClock,
    scenario: "replica-crash",
    plan: SCENARIOS["replica-crash"]!.plan({ windowMs: orders * intervalMs }),
    intervalMs,
  });
  assert.deepEqual(report.invariants.filter((i) => !i.ok), []);
  assert.equal(report.replicas.pagamentos, 3);
  for (const node of ["pagamentos", "pagamentos-2", "pagamentos-3"]) assert.ok(report.replicaCalls![node]! > 0, `${node}: ${JSON.stringify(report.replicaCalls)}`);
  assert.equal(report.deadReplicas![0]!.node, "pagamentos-2");
});
