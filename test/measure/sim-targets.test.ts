import assert from "node:assert/strict";
import { test } from "node:test";
import { targetLines, type SimRun } from "../../bench/sim-runs.js";

const run = (intervalMs: number, checkoutsPerSecond: number, virtualPerWall: number, slowest: number): SimRun => ({
  scenario: "baseline",
  transport: "sim",
  intervalMs,
  orders: 2000,
  wallMs: 2000_000 / checkoutsPerSecond,
  checkoutsPerSecond,
  cpuUsPerCheckout: 300,
  virtualPerWall,
  eventsPerSecond: 0,
  ok: true,
  traceHash: "x",
  repeats: 5,
  checkoutsPerSecondMin: slowest,
  checkoutsPerSecondMax: checkoutsPerSecond * 1.1,
});

test("the bench judges each speed target on the median run, and names the slowest", () => {
  const [, fast, sparse] = targetLines([run(5, 3500, 18, 2800), run(1000, 900, 900, 450)]);
  assert.equal(fast, "  sim baseline, 5 ms arrivals: 3500 checkouts/wall s [2800], target 3000: met");
  assert.equal(sparse, "  sim baseline, 1000 ms arrivals: 900x faster than real time [450x], target 1000x: NOT met");
  assert.match(targetLines([run(5, 2999, 18, 2000)])[1]!, /target 3000: NOT met$/);
});
