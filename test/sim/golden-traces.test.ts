/**
 * Pinned trace hashes: a change made for speed or tidiness must leave every
 * simulated run exactly as it was (the same messages, faults and state changes
 * at the same virtual times). The determinism tests compare two runs of the
 * same code; these compare against the runs of the code before the change.
 * A change that alters runs on purpose updates the hashes here and says why in
 * its commit.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import fc from "fast-check";
import { runCheckout } from "../../src/sim/checkout-run.js";
import { Scheduler } from "../../src/sim/scheduler.js";
import { planArb } from "./arbitraries.js";

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

/** The first 16 hex digits of the SHA-256 over the trace hashes of 40 random fault plans (seeds 0-39), one per line. */
const RANDOM_PLANS_DIGEST = "83b7f2f7c82e5640";

test("40 random fault plans (pauses, crashes, skews, drops...): the same traces as before", { timeout: 120_000 }, async () => {
  // The named scenarios above miss faults such as a paused caller; random plans reach them.
  const hashes: string[] = [];
  for (let seed = 0; seed < 40; seed++) {
    const [plan] = fc.sample(planArb, { seed, numRuns: 1 });
    const { report, stores } = await runCheckout({ seed, orders: 20, concurrency: 3, intervalMs: 10, transport: "sim", wallClock: new Scheduler(), plan: plan! });
    for (const store of Object.values(stores)) store.close();
    hashes.push(`${seed} ${report.traceHash} ${report.virtualMs}`);
  }
  assert.equal(createHash("sha256").update(hashes.join("\n")).digest("hex").slice(0, 16), RANDOM_PLANS_DIGEST, hashes.join("\n"));
});
