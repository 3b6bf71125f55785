import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import fc from "fast-check";
import { SERVICE_NAMES } from "../../src/core/vocabulary.js";
import { runCheckout, RUN_TRANSPORTS, type CheckoutRunOptions } from "../../src/sim/checkout-run.js";
import { Scheduler } from "../../src/sim/scheduler.js";

const base = (over: Partial<CheckoutRunOptions> = {}): CheckoutRunOptions => ({
  seed: 7,
  orders: 150,
  concurrency: 8,
  transport: "inproc",
  wallClock: new Scheduler(),
  ...over,
});

describe("in-process checkout run", () => {
  test("places every order, completes some, cancels some, and every invariant holds", async () => {
    const { report } = await runCheckout(base());
    const { placed, completed, cancelled, pending } = report.orders;
    assert.equal(placed, 150);
    assert.equal(completed + cancelled, placed);
    assert.equal(pending, 0);
    assert.ok(completed > 0 && cancelled > 0, `expected both outcomes, got ${completed} completed and ${cancelled} cancelled`);
    assert.ok(report.cancellationReasons["estoque insuficiente"]! > 0, "some baskets exceed stock");
    assert.ok(report.cancellationReasons["pagamento rejeitado pela operadora"]! > 0, "some payments are refused");
    for (const inv of report.invariants) assert.ok(inv.ok, `${inv.name}: ${inv.detail}`);
    assert.deepEqual(report.errors, {});
  });

  test("the same seed gives the same report, trace hash and database bytes", async () => {
    const a = await runCheckout(base());
    const b = await runCheckout(base());
    assert.deepEqual(a.report, b.report);
    for (const name of SERVICE_NAMES) {
      assert.deepEqual(a.stores[name].export(), b.stores[name].export(), `${name}.db differs`);
    }
  });

  test("another seed gives another trace", async () => {
    const a = await runCheckout(base({ seed: 42 }));
    const b = await runCheckout(base({ seed: 43 }));
    assert.notEqual(a.report.traceHash, b.report.traceHash);
  });

  test("property: for any seeded batch the invariants hold", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          orders: fc.integer({ min: 1, max: 60 }),
          concurrency: fc.integer({ min: 1, max: 12 }),
          approvalRate: fc.constantFrom(0, 0.5, 0.9, 1),
        }),
        async (params) => {
          const { report } = await runCheckout(base(params));
          assert.equal(report.orders.placed, params.orders);
          const failed = report.invariants.filter((i) => !i.ok);
          assert.deepEqual(failed, [], JSON.stringify(params));
        },
      ),
      { numRuns: 25 },
    );
  });
});

test("the run's transports are sim, inproc and every network host, and a sim run loads neither grpc-js nor undici", async () => {
  const { NETWORK_HOSTS } = await import("../../src/sim/network-hosts.js");
  assert.deepEqual(RUN_TRANSPORTS, ["sim", "inproc", ...Object.keys(NETWORK_HOSTS)]);
  const probe = `
    import { createRequire } from "node:module";
    const { runCheckout } = await import(${JSON.stringify(new URL("../../src/sim/checkout-run.ts", import.meta.url).href)});
    const { Scheduler } = await import(${JSON.stringify(new URL("../../src/sim/scheduler.ts", import.meta.url).href)});
    await runCheckout({ seed: 1, orders: 3, concurrency: 1, transport: "sim", wallClock: new Scheduler() });
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) => /[\\\\/](@grpc[\\\\/]grpc-js|undici)[\\\\/]/.test(path));
    console.log(loaded.length);`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe]);
  assert.equal(stdout.trim(), "0");
});
