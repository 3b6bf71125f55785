import assert from "node:assert/strict";
import { test } from "node:test";
import { runCheckout } from "../../src/sim/checkout-run.js";
import { SCENARIOS } from "../../src/sim/scenarios.js";
import { systemClock } from "../../src/transports/system-clock.js";

test("replica-crash over real HTTP servers: one server per replica, calls balanced, the crashed one routed around, every invariant holds", { timeout: 60_000 }, async () => {
  const orders = 40;
  const { report } = await runCheckout({
    seed: 3,
    orders,
    concurrency: 8,
    transport: "http",
    wallClock: systemClock,
    scenario: "replica-crash",
    plan: SCENARIOS["replica-crash"]!.plan({ windowMs: orders * 5 }),
    intervalMs: 5,
  });
  assert.deepEqual(report.invariants.filter((i) => !i.ok), []);
  assert.equal(report.replicas.pagamentos, 3);
  for (const node of ["pagamentos", "pagamentos-2", "pagamentos-3"]) assert.ok(report.replicaCalls![node]! > 0, `${node}: ${JSON.stringify(report.replicaCalls)}`);
  assert.equal(report.deadReplicas![0]!.node, "pagamentos-2");
});
