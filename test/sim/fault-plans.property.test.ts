/**
 * Property: for any small workload and any plan of up to five faults (every kind
 * the schema knows), every invariant holds on the sim transport, and a run is
 * deterministic. Budget: CHECKOUT_LAB_RUNS runs (default {@link DEFAULT_RUNS});
 * the fast-check seed is fixed unless CHECKOUT_LAB_SEED is set, so `npm test`
 * is reproducible. `npm run test:long` runs 2000.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { SERVICE_NAMES } from "../../src/core/vocabulary.js";
import { CLIENT_NODE, SIM_RESILIENCE } from "../../src/sim/deploy-sim.js";
import { faultSchema, parseFaultPlan, type FaultPlan } from "../../src/sim/faults/plan.js";
import { SCENARIOS } from "../../src/sim/scenarios.js";
import type { CheckoutRunResult } from "../../src/sim/checkout-run.js";
import {
  CHECKOUT_NODES,
  describeFailure,
  envInt,
  faultArb,
  invariantsHold,
  PLAN_WINDOW_MS,
  planArb,
  withRun,
  workloadArb,
  type Workload,
} from "./arbitraries.js";

/** Runs per `npm test`: the file takes about 13 s on 2 cores (measured; 2000 runs take about 110 s). */
const DEFAULT_RUNS = 300;
/** The fast-check seed of `npm test`. */
const DEFAULT_SEED = 20_250_101;

const runs = envInt("CHECKOUT_LAB_RUNS", DEFAULT_RUNS);
const seed = envInt("CHECKOUT_LAB_SEED", DEFAULT_SEED);
/** Replays one counterexample of a failed run (with its seed): the path fast-check printed. */
const path = process.env.CHECKOUT_LAB_PATH;

describe("fault plans (sim transport)", () => {
  test("every generated plan passes the plan schema", () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        parseFaultPlan(plan, { nodes: [...SERVICE_NAMES, CLIENT_NODE], workload: CLIENT_NODE });
      }),
      { numRuns: 1000, seed },
    );
  });

  test("the generator covers every fault kind, latency distribution, partition direction and long partitions", () => {
    const faults = fc.sample(faultArb(CHECKOUT_NODES, PLAN_WINDOW_MS), { seed, numRuns: 3000 });
    const seen = new Set<string>(faults.map((f) => f.kind));
    for (const kind of faultSchema.options.map((o) => o.shape.kind.value)) assert.ok(seen.has(kind), `no ${kind} fault generated`);
    const distributions = new Set(faults.flatMap((f) => (f.kind === "latency" ? [f.distribution.kind] : [])));
    assert.deepEqual([...distributions].sort(), ["bimodal", "exponential", "fixed", "uniform"]);
    const partitions = faults.filter((f) => f.kind === "partition");
    assert.ok(partitions.some((f) => f.twoWay) && partitions.some((f) => !f.twoWay), "one-way and two-way partitions");
    assert.ok(partitions.some((f) => f.from === "*" || f.to === "*"), "partitions from or to every node");
    assert.ok(partitions.some((f) => f.duration > SIM_RESILIENCE.recoveryMaxAgeMs), "partitions past the recovery's age limit");
  });

  test(`property: every invariant holds under any plan (${runs} runs, seed ${seed})`, { timeout: Math.max(120_000, runs * 5000) }, async () => {
    const details = await fc.check(invariantsHold(), { numRuns: runs, seed, ...(path ? { path } : {}) });
    if (details.failed) {
      assert.fail(
        describeFailure(details, {
          what: "the fault-plan property",
          rerun: (s, p) =>
            `CHECKOUT_LAB_SEED=${s} CHECKOUT_LAB_PATH="${p}" node --import tsx --test test/sim/fault-plans.property.test.ts`,
        }).message,
      );
    }
    console.log(`${details.numRuns} plans held every invariant, fast-check seed ${seed}`);
  });

  test("determinism: the same workload and plan give the same trace hash and database bytes", async () => {
    const cases: [Workload, FaultPlan][] = [
      ...fc.sample(fc.tuple(workloadArb, planArb.filter((p) => p.faults.length > 0)), { seed, numRuns: 4 }),
      // And every kind of fault at once: the chaos scenario over a 200 ms window.
      [{ seed: 9, orders: 40, concurrency: 8, intervalMs: 5 }, SCENARIOS.chaos!.plan({ windowMs: 200 })],
    ];
    for (const [workload, plan] of cases) {
      const fingerprint = (run: CheckoutRunResult) => ({
        traceHash: run.report.traceHash,
        events: run.report.events,
        databases: Object.fromEntries(SERVICE_NAMES.map((name) => [name, Buffer.from(run.stores[name].export()).toString("base64")])),
      });
      const a = await withRun(workload, plan, {}, fingerprint);
      const b = await withRun(workload, plan, {}, fingerprint);
      const label = JSON.stringify({ run: workload, faults: plan.faults });
      assert.equal(a.traceHash, b.traceHash, `trace hash differs for ${label}`);
      assert.equal(a.events, b.events, label);
      for (const name of SERVICE_NAMES) assert.ok(a.databases[name] === b.databases[name], `${name}.db differs for ${label}`);
    }
  });
});
