/**
 * The regression corpus: every saved plan in test/corpus (plan file format, with
 * a `run` section and a description) replays with every invariant holding, and
 * still reaches the path it was written for.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";
import type { CheckoutRunResult } from "../../src/sim/checkout-run.js";
import { parseFaultPlan, type FaultPlan } from "../../src/sim/faults/plan.js";
import { CLIENT_NODE } from "../../src/sim/deploy-sim.js";
import { SIM_EPOCH_MS } from "../../src/sim/scheduler.js";
import { CHECKOUT_NODES, failedInvariants, withRun, type Workload } from "./arbitraries.js";

const root = resolve(import.meta.dirname, "../..");
const corpusDir = join(root, "test/corpus");
const files = readdirSync(corpusDir)
  .filter((file) => file.endsWith(".json"))
  .sort();
const work = mkdtempSync(join(tmpdir(), "corpus-cli-"));
after(() => rmSync(work, { recursive: true, force: true }));

const count = (run: CheckoutRunResult, store: "pedidos" | "pagamentos", sql: string, params: (string | number)[] = []) =>
  run.stores[store].get<{ n: number }>(sql, params)!.n;

/** What each hand-written plan is for: the run must still take that path (else the plan has gone stale). */
const REACHES: Readonly<Record<string, (run: CheckoutRunResult) => void>> = {
  "crash-pedidos-in-flight.json": (run) => {
    // An order created before the crash (40 ms) was finished by the restarted instance (1540 ms on).
    const finishedAfterRestart = count(
      run,
      "pedidos",
      `SELECT COUNT(*) AS n FROM operacoes o JOIN pedidos p ON p.id = o.pedido_id
       WHERE p.criado_em_ms < ? AND o.operacao = 'ProcessarPagamento' AND o.resultado IN ('enviado', 'cancelado') AND o.em >= ?`,
      [SIM_EPOCH_MS + 40, new Date(SIM_EPOCH_MS + 1540).toISOString()],
    );
    assert.ok(finishedAfterRestart > 0, "an order in flight at the crash is finished after the restart");
  },
  "partition-fiscal-40s.json": (run) => {
    assert.ok((run.report.cancellationReasons.expirado ?? 0) > 0, "some orders expire behind the partition");
    assert.ok(run.report.compensations.refunds > 0 && run.report.compensations.stockReleases > 0, "they are refunded and their stock released");
  },
  "duplicates-and-reply-loss.json": (run) => {
    assert.ok(count(run, "pagamentos", "SELECT COUNT(*) AS n FROM operacoes WHERE resultado LIKE 'repetido:%'") > 0, "Pagamentos sees repeats");
    assert.ok(run.report.retries > 0, "lost replies are retried");
  },
  "swizzle.json": (run) => {
    assert.ok(run.report.retries > 0, "clogged calls are retried");
    assert.ok(run.report.orders.completed > 0, "orders complete once the links heal");
  },
  "clock-skew-pedidos-40s.json": (run) => {
    assert.ok((run.report.cancellationReasons.expirado ?? 0) > 0, "the skew makes pending orders look older than 30 s");
    assert.ok(run.report.compensations.invoicesCancelled > 0, "cancellation undoes invoices already issued");
  },
  "teeth-charge-repeats-shrunk.json": (run) => {
    assert.ok(count(run, "pagamentos", "SELECT COUNT(*) AS n FROM operacoes WHERE operacao = 'ProcessarPagamento' AND resultado LIKE 'repetido:%'") > 0, "ProcessarPagamento is repeated");
  },
};

function readPlan(file: string): FaultPlan & { run: Workload } {
  const plan = parseFaultPlan(JSON.parse(readFileSync(join(corpusDir, file), "utf8")), { nodes: CHECKOUT_NODES, workload: CLIENT_NODE });
  assert.ok(plan.description, `${file}: a corpus plan says what it is about`);
  const run = plan.run;
  assert.ok(run?.seed !== undefined && run.orders !== undefined && run.concurrency !== undefined && run.intervalMs !== undefined, `${file}: a corpus plan has a full run section`);
  return { ...plan, run: { seed: run.seed, orders: run.orders, concurrency: run.concurrency, intervalMs: run.intervalMs } };
}

function sim(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/sim.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
  });
}

describe("regression corpus (test/corpus)", () => {
  test("holds a handful of plans", () => {
    assert.ok(files.length >= 6, `expected at least 6 plans, found ${files.join(", ")}`);
    for (const file of Object.keys(REACHES)) assert.ok(files.includes(file), `${file} is missing from test/corpus`);
  });

  for (const file of files) {
    test(`replays ${file}: every invariant holds`, async () => {
      const plan = readPlan(file);
      await withRun(plan.run, plan, {}, (run) => {
        const failed = failedInvariants(run);
        assert.deepEqual(failed, [], `${file}: ${failed.map((i) => `${i.name}: ${i.detail}`).join("; ")}`);
        REACHES[file]?.(run);
      });
    });
  }

  test("the CLI replays a corpus plan with its run section: exit 0", () => {
    const json = join(work, "report.json");
    const run = sim(["--scenario", "test/corpus/partition-fiscal-40s.json", "--json", json]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /every invariant holds/);
    const report = JSON.parse(readFileSync(json, "utf8"));
    assert.equal(report.seed, 1, "the seed comes from the plan's run section");
    assert.equal(report.orders.placed, 12, "so do the orders");
  });
});
