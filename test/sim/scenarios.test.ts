import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runCheckout } from "../../src/sim/checkout-run.js";
import { Scheduler } from "../../src/sim/scheduler.js";
import { SCENARIOS } from "../../src/sim/scenarios.js";

const ORDERS = 80;
const INTERVAL_MS = 25;

describe("every named scenario holds every invariant", () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    for (const seed of [1, 2]) {
      test(`${name}, seed ${seed}`, async () => {
        const { report } = await runCheckout({
          seed,
          orders: ORDERS,
          concurrency: 8,
          transport: "sim",
          wallClock: new Scheduler(),
          scenario: name,
          plan: scenario.plan({ windowMs: ORDERS * INTERVAL_MS }),
          intervalMs: INTERVAL_MS,
          ...(scenario.stockCap !== undefined ? { stockCap: scenario.stockCap } : {}),
        });
        const failed = report.invariants.filter((i) => !i.ok);
        assert.deepEqual(failed, [], `${name} seed ${seed}`);
        assert.equal(report.orders.pending, 0);
        assert.equal(report.orders.completed + report.orders.cancelled, report.orders.placed);
      });
    }
  }

  test("faults show in the report: crashes cause retries, a long partition causes full compensation", async () => {
    const run = (name: string) =>
      runCheckout({
        seed: 3,
        orders: ORDERS,
        concurrency: 8,
        transport: "sim",
        wallClock: new Scheduler(),
        plan: SCENARIOS[name]!.plan({ windowMs: ORDERS * INTERVAL_MS }),
        intervalMs: INTERVAL_MS,
      });
    const crash = (await run("crash-each")).report;
    assert.ok(crash.retries > 0, "crashes make calls fail and get retried");
    const partition = (await run("partition-fiscal")).report;
    assert.ok(partition.compensations.stockReleases > 0, `orders stuck behind the partition release their stock: ${JSON.stringify(partition.compensations)}`);
    assert.ok(partition.cancellationReasons["expirado"]! > 0, "they are cancelled as expired");
  });
});
