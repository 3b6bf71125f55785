/**
 * The whole checkout deployed over each real transport on loopback (one server
 * per service), with and without faults: every invariant holds, and a crash of
 * Pagamentos shows as retries that the pipeline rides out.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SERVICE_NAMES } from "../../src/core/vocabulary.js";
import { runCheckout, type CheckoutRunOptions, type CheckoutRunResult } from "../../src/sim/checkout-run.js";
import type { FaultPlan } from "../../src/sim/faults/plan.js";
import { NETWORK_HOSTS } from "../../src/sim/network-hosts.js";
import { systemClock } from "../../src/transports/system-clock.js";

async function run(options: Pick<CheckoutRunOptions, "transport" | "plan" | "orders"> & Partial<CheckoutRunOptions>) {
  return (await runAndRead(options, () => undefined)).report;
}

/** Runs, reads the databases with `read`, closes them. */
async function runAndRead<T>(options: Pick<CheckoutRunOptions, "transport" | "orders"> & Partial<CheckoutRunOptions>, read: (result: CheckoutRunResult) => T) {
  const result = await runCheckout({ seed: 5, concurrency: 4, wallClock: systemClock, intervalMs: 5, ...options });
  try {
    return { report: result.report, read: read(result) };
  } finally {
    for (const name of SERVICE_NAMES) result.stores[name].close();
  }
}

const crashAndLoss: FaultPlan = {
  faults: [
    { at: 40, kind: "crash", target: "pagamentos", restartAfter: 300 },
    { at: 0, kind: "drop", from: "pedidos", to: "estoque", probability: 0.2, duration: 400 },
    { at: 0, kind: "reply-drop", from: "pedidos", to: "fiscal", probability: 0.2, duration: 400 },
  ],
};

for (const transport of Object.keys(NETWORK_HOSTS)) {
  describe(`checkout over ${transport} on loopback`, () => {
    test("every order ends, some completed and some cancelled, every invariant holds", async () => {
      const report = await run({ transport: transport as CheckoutRunOptions["transport"], orders: 40 });
      assert.equal(report.orders.placed, 40);
      assert.equal(report.orders.pending, 0);
      assert.ok(report.orders.completed > 0, "some orders complete");
      for (const inv of report.invariants) assert.ok(inv.ok, `${inv.name}: ${inv.detail}`);
      assert.ok(report.stepLatencyMs["/ecommerce.v1.Pagamentos/ProcessarPagamento"]!.calls >= 40, "each order is charged over the wire");
    });

    test("a crash of Pagamentos and lossy links: retries ride them out, every invariant holds", async () => {
      const report = await run({ transport: transport as CheckoutRunOptions["transport"], orders: 40, plan: crashAndLoss });
      assert.equal(report.orders.pending, 0);
      assert.ok(report.retries > 0, "the faults cost retries");
      for (const inv of report.invariants) assert.ok(inv.ok, `${inv.name}: ${inv.detail}`);
    });
  });
}

test("one order at a time, every transport gives each order the same outcome: the seeded domain decides, not the transport", async () => {
  const outcomes = async (transport: CheckoutRunOptions["transport"]) =>
    (await runAndRead({ transport, orders: 40, concurrency: 1 }, (r) => r.stores.pedidos.all<{ id: number; status: string }>("SELECT id, status FROM pedidos ORDER BY id"))).read;
  const inproc = await outcomes("inproc");
  assert.ok(inproc.some((o) => o.status === "enviado") && inproc.some((o) => o.status === "cancelado"), "both outcomes occur");
  for (const transport of Object.keys(NETWORK_HOSTS)) {
    assert.deepEqual(await outcomes(transport as CheckoutRunOptions["transport"]), inproc, `${transport} differs from inproc`);
  }
});
