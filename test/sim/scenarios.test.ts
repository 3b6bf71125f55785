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

describe("replica scenarios: routing around dead, slow and unseen replicas", () => {
  const replicaRun = (name: string, seed: number, extra: Partial<Parameters<typeof runCheckout>[0]> = {}) =>
    runCheckout({
      seed,
      orders: ORDERS,
      concurrency: 8,
      transport: "sim",
      wallClock: new Scheduler(),
      scenario: name,
      plan: SCENARIOS[name]!.plan({ windowMs: ORDERS * INTERVAL_MS }),
      intervalMs: INTERVAL_MS,
      ...extra,
    });

  test("replica-crash: calls stop going to the dead replica within missed beats x interval + one attempt, and the report says so", async () => {
    for (const seed of [1, 2, 3]) {
      const { report } = await replicaRun("replica-crash", seed);
      assert.deepEqual(report.replicas.pagamentos, 3);
      const [stop] = report.deadReplicas!;
      assert.equal(stop!.node, "pagamentos-2");
      assert.ok(stop!.stoppedAfterMs <= stop!.boundMs, JSON.stringify(stop));
      assert.ok(stop!.markedDownAtMs !== undefined && stop!.markedDownAtMs > stop!.crashedAtMs, "the registry noticed the missed beats");
      assert.ok(report.invariants.some((i) => i.name === "dead-replica" && i.ok));
    }
  });

  test("round robin spreads calls over healthy replicas within 5% of even", async () => {
    const { report } = await replicaRun("baseline", 4, { replicas: { pagamentos: 3, estoque: 2 } });
    for (const group of [["pagamentos", "pagamentos-2", "pagamentos-3"], ["estoque", "estoque-2"]]) {
      const counts = group.map((node) => report.replicaCalls![node]!);
      const even = counts.reduce((a, b) => a + b, 0) / counts.length;
      for (const n of counts) assert.ok(Math.abs(n - even) <= 0.05 * even, `${group.join(",")}: ${counts.join(",")}`);
    }
  });

  // Under load (the CLI's defaults: an order every 5 ms, 16 in flight): on an idle fleet every strategy picks alike.
  test("slow-replica: power of two choices or least outstanding beats round robin at p99 in the same seeded run", async () => {
    for (const seed of [1, 2]) {
      const p99 = async (balancer: "round-robin" | "least-outstanding" | "p2c") =>
        (
          await runCheckout({
            seed,
            orders: 200,
            concurrency: 16,
            transport: "sim",
            wallClock: new Scheduler(),
            scenario: "slow-replica",
            plan: SCENARIOS["slow-replica"]!.plan({ windowMs: 1000 }),
            intervalMs: 5,
            balancer: { default: balancer },
          })
        ).report.latencyMs.p99;
      const rr = await p99("round-robin");
      const best = Math.min(await p99("least-outstanding"), await p99("p2c"));
      assert.ok(best < rr, `seed ${seed}: best ${best} ms vs round robin ${rr} ms`);
    }
  });

  test("the same seed, plan and replicas give the same trace; a reverse-proxy node holds every invariant too", async () => {
    const a = await replicaRun("registry-partition", 5);
    const b = await replicaRun("registry-partition", 5);
    assert.equal(a.report.traceHash, b.report.traceHash);
    const proxied = await replicaRun("replica-crash", 5, { routing: "proxy" });
    assert.deepEqual(proxied.report.invariants.filter((i) => !i.ok), []);
    assert.ok(proxied.report.replicaCalls!["pagamentos-3"]! > 0);
  });
});
