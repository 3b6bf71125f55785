/**
 * Teeth: the fault-plan property must catch each bug planted in Pagamentos,
 * within its run budget, and shrink it to a small counterexample. `fc.check`
 * (not assert): here a failure is the expected outcome.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { PlantedDefects } from "../../src/core/pagamentos/pagamentos-service.js";
import { describeFailure, envInt, failedInvariants, invariantsHold, withRun, type Workload } from "./arbitraries.js";
import type { CheckoutRunResult } from "../../src/sim/checkout-run.js";
import type { FaultKind, FaultPlan } from "../../src/sim/faults/plan.js";

/** Runs each defect gets to fail in (with the default seed skipRefund fails at run 2, chargeRepeats at run 13). */
const BUDGET = 100;
/** The fast-check seed of the teeth (CHECKOUT_LAB_SEED overrides it). */
const SEED = envInt("CHECKOUT_LAB_SEED", 6);

async function shrunkCounterexample(defects: PlantedDefects, name: string): Promise<FaultPlan & { run: Workload }> {
  const details = await fc.check(invariantsHold(defects), { numRuns: BUDGET, seed: SEED });
  assert.ok(details.failed, `the property did not catch ${name} in ${BUDGET} runs (seed ${SEED})`);
  assert.ok(details.counterexample, `${name}: fast-check stopped without a counterexample (interrupted: ${details.interrupted})`);
  const { message, plan } = describeFailure(details, {
    what: `the fault-plan property with the planted defect ${name}`,
    fileStem: `checkout-lab-teeth-${name}`,
    replayNote: "the CLI plants no defect, so there every invariant holds",
  });
  console.log(message);
  assert.ok(plan, message);
  return plan;
}

/**
 * Faults that make a ProcessarPagamento arrive again: a duplicate delivery, a lost reply or request
 * (the caller retries), or a stall past the 1 s attempt timeout (pause, slow, latency, crash, partition).
 */
const REPEAT_CAUSES: ReadonlySet<FaultKind> = new Set<FaultKind>(["duplicate", "reply-drop", "drop", "partition", "swizzle", "crash", "pause", "slow", "latency"]);

/** Operations Pagamentos recorded as a repeat of an earlier ProcessarPagamento. */
function repeatedCharges(run: CheckoutRunResult): number {
  return run.stores.pagamentos.get<{ n: number }>("SELECT COUNT(*) AS n FROM operacoes WHERE operacao = 'ProcessarPagamento' AND resultado LIKE 'repetido:%'")!.n;
}

describe("teeth: planted defects are caught and shrunk", () => {
  test("skipRefund (compensation skipped): shrinks to no faults at all, one at a time", { timeout: 120_000 }, async () => {
    const plan = await shrunkCounterexample({ skipRefund: true }, "skipRefund");
    // A payment refused downstream (short stock) is all it takes: no fault is needed, and the
    // shrinker removes every one; the orders stay as many as the seed needs to run out of stock.
    assert.equal(plan.faults.length, 0, "no fault should survive shrinking");
    assert.equal(plan.run.concurrency, 1);
    assert.equal(plan.run.intervalMs, 1);
    assert.ok(plan.run.orders <= 20, `few orders expected, got ${plan.run.orders}`);
    await withRun(plan.run, plan, { defects: { skipRefund: true } }, (run) => {
      const failed = failedInvariants(run).map((i) => i.name);
      assert.ok(failed.includes("money"), `money must fail, failed: ${failed.join(", ")}`);
      assert.ok((run.report.cancellationReasons["estoque insuficiente"] ?? 0) > 0, "a short-stock cancellation drives it");
    });
  });

  test("chargeRepeats (no idempotency on repeats): shrinks to one or two faults that cause a repeat", { timeout: 120_000 }, async () => {
    const plan = await shrunkCounterexample({ chargeRepeats: true }, "chargeRepeats");
    assert.ok(plan.faults.length >= 1 && plan.faults.length <= 2, `1..2 faults expected, got ${plan.faults.length}`);
    assert.ok(plan.run.orders <= 5, `few orders expected, got ${plan.run.orders}`);
    // A repeat needs a fault that duplicates, loses or stalls a message: a clock skew alone is not one.
    assert.ok(plan.faults.some((f) => REPEAT_CAUSES.has(f.kind)), `no repeat-causing fault left: ${JSON.stringify(plan.faults)}`);
    // The shrunk run does repeat a ProcessarPagamento, and the same plan without the defect is fine.
    await withRun(plan.run, plan, { defects: { chargeRepeats: true } }, (run) => {
      assert.ok(repeatedCharges(run) > 0, "the counterexample must repeat a ProcessarPagamento");
      assert.ok(failedInvariants(run).some((i) => i.name === "money"), "money must fail");
    });
    await withRun(plan.run, plan, {}, (run) => {
      assert.ok(repeatedCharges(run) > 0, "the repeat comes from the faults, not from the defect");
      assert.deepEqual(failedInvariants(run), [], "without the defect the same plan passes");
    });
  });
});
