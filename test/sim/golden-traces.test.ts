/**
 * Pinned trace hashes: a change made for speed or tidiness must leave every
 * simulated run exactly as it was (the same messages, faults and state changes
 * at the same virtual times). The determinism tests compare two runs of the
 * same code; these compare against the runs of the code before the change.
 * A change that alters runs on purpose updates the hashes here and says why in
 * its commit.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCheckout } from "../../src/sim/checkout-run.js";
import { Scheduler } from "../../src/sim/scheduler.js";

/** Scenario, seed, orders, and the first 16 hex digits of the run's trace hash. */
const GOLDEN: readonly (readonly [scenario: string, seed: number, orders: number, hash: string])[] = [
  ["chaos", 42, 300, "5786ca3a80de061d"],
  ["duplicates", 3, 200, "448422ad21e36976"],
  ["crash-each", 5, 200, "7dd7354d18784c3d"],
  ["flash-sale", 2, 200, "0c06b38f9002cd0d"],
  ["replica-crash", 1, 150, "3c31206014994422"],
  ["swizzle", 4, 200, "0bb0046ae241aec1"],
];

for (const [scenario, seed, orders, hash] of GOLDEN) {
  test(`${scenario}, seed ${seed}, ${orders} orders: the same trace as before`, { timeout: 60_000 }, async () => {
    const { report, stores } = await runCheckout({ seed, orders, concurrency: 16, transport: "sim", wallClock: new Scheduler(), scenario });
    for (const store of Object.values(stores)) store.close();
    assert.equal(report.traceHash.slice(0, 16), hash, `npm run sim -- --scenario ${scenario} --seed ${seed} --orders ${orders} no longer replays the same run`);
  });
}
