/**
 * Faults of one kind that overlap on one node or link nest: the node stays
 * down (or paused, or the link faulty) until the last of them ends.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SERVICE_NAMES } from "../../src/core/vocabulary.js";
import { runCheckout } from "../../src/sim/checkout-run.js";
import type { FaultPlan } from "../../src/sim/faults/plan.js";
import { Scheduler, SIM_EPOCH_MS } from "../../src/sim/scheduler.js";

test("a short crash or pause inside a long one does not end the long one early", async () => {
  const plan: FaultPlan = {
    faults: [
      { at: 0, kind: "crash", target: "pagamentos", restartAfter: 5000 },
      { at: 100, kind: "crash", target: "pagamentos", restartAfter: 100 },
      { at: 0, kind: "pause", target: "estoque", duration: 3000 },
      { at: 50, kind: "pause", target: "estoque", duration: 100 },
    ],
  };
  const run = await runCheckout({ seed: 1, orders: 5, concurrency: 2, transport: "sim", wallClock: new Scheduler(), plan, keepTrace: true });
  try {
    const heals = run.traceLines.map((line) => JSON.parse(line) as { t: number; ev: string; fault?: string }).filter((e) => e.ev === "heal");
    assert.deepEqual(
      heals.map((e) => [e.fault, e.t - SIM_EPOCH_MS]),
      [
        ["pause", 3000],
        ["crash", 5000],
      ],
    );
    // Nothing reached Pagamentos while it was down: the first payment is recorded after the restart.
    const first = run.stores.pagamentos.get<{ em: string }>("SELECT MIN(em) AS em FROM operacoes WHERE operacao = 'ProcessarPagamento'");
    assert.ok(first?.em && Date.parse(first.em) >= SIM_EPOCH_MS + 5000, `first payment at ${first?.em}`);
    for (const invariant of run.report.invariants) assert.ok(invariant.ok, `${invariant.name}: ${invariant.detail}`);
  } finally {
    for (const name of SERVICE_NAMES) run.stores[name].close();
  }
});
