import assert from "node:assert/strict";
import { test } from "node:test";
import { runCheckout } from "../../src/sim/checkout-run.js";
import { Scheduler } from "../../src/sim/scheduler.js";
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

for (const transport of ["sim", "grpc"] as const) {
  test(`over ${transport}, a partition that names pagamentos cuts its first replica only: orders go through pagamentos-2 before it heals`, { timeout: 60_000 }, async () => {
    const healMs = 4000;
    const { report, stores } = await runCheckout({
      seed: 1,
      orders: 10,
      concurrency: 4,
      intervalMs: 25,
      transport,
      wallClock: transport === "sim" ? new Scheduler() : systemClock,
      replicas: { pagamentos: 2 },
      plan: { faults: [{ at: 0, kind: "partition", from: "pedidos", to: "pagamentos", twoWay: true, duration: healMs }] },
    });
    assert.deepEqual(report.invariants.filter((i) => !i.ok), []);
    // Times from the first order's creation, which comes after the partition starts: a lower bound on "before it heals".
    const settled = stores.pedidos.all<{ t: number }>(
      "SELECT h.em_ms - (SELECT MIN(criado_em_ms) FROM pedidos) AS t FROM pedidos p JOIN historico_status h ON h.pedido_id = p.id AND h.status = p.status WHERE p.status IN ('enviado', 'cancelado')",
    );
    for (const store of Object.values(stores)) store.close();
    // Had the fault cut every replica, no order could pass Pagamentos before the heal.
    const early = settled.filter((row) => row.t < healMs / 2).length;
    assert.ok(early >= 3, `only ${early} of ${settled.length} orders ended in the first ${healMs / 2} ms: ${JSON.stringify(settled)}`);
    assert.ok(report.replicaCalls!["pagamentos-2"]! > 0);
  });
}
