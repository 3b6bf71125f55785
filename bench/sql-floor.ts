/**
 * How much of a simulated checkout is SQL: records every statement one whole
 * run makes (through SqlStore's public methods), then, in alternating rounds,
 * times a run and a replay of those statements back to back on fresh
 * databases, with no transport, scheduler, codec or service code between
 * them. The replay's time per checkout is what sql.js alone costs: no change
 * outside the stores can make a checkout cheaper than that.
 *
 *   npx tsx bench/sql-floor.ts [--scenario baseline] [--orders 2000] [--rounds 5]
 */
import { intFlag, parseFlags, runCli } from "../src/cli/args.js";
import { scenarioFlag } from "./ab-rounds.js";
import { simRun } from "./sim-runs.js";
import { recordRun, replay } from "./statement-replay.js";
import { median } from "./transport-bench.js";

const USAGE = "usage: npx tsx bench/sql-floor.ts [--scenario NAME] [--orders N] [--rounds N]";

await runCli("sql-floor", USAGE, async () => {
  const values = parseFlags(process.argv.slice(2), {
    scenario: { type: "string" },
    orders: { type: "string" },
    rounds: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const scenario = scenarioFlag("scenario", values.scenario ?? "baseline");
  const orders = intFlag("orders", values.orders, 10, 1_000_000, 2000);
  const rounds = intFlag("rounds", values.rounds, 1, 100, 5);

  // Warm the JIT and sql.js's WebAssembly tiers first, as the bench does.
  for (let i = 0; i < 2; i++) await simRun(scenario, "sim", orders, 5);
  const recorded = await recordRun(scenario, orders);
  for (const store of Object.values(recorded.stores)) store.close();
  const runMs: number[] = [];
  const replayMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    runMs.push((await simRun(scenario, "sim", orders, 5)).wallMs);
    const { stores, ms } = await replay(recorded);
    replayMs.push(ms);
    for (const store of stores) store.close();
  }
  const run = median(runMs);
  const sql = median(replayMs);
  const perOrder = (ms: number) => ((ms * 1000) / orders).toFixed(0);
  console.log(`sql floor: ${scenario}, ${orders} orders, seed 1 (median of ${rounds} alternating rounds)`);
  console.log(`  a whole run:   ${run.toFixed(0)} ms wall = ${perOrder(run)} µs per checkout (${Math.round((orders / run) * 1000)} checkouts/s)`);
  console.log(`  its ${recorded.statements.length} statements (${(recorded.statements.length / orders).toFixed(1)} per checkout) replayed back to back: ${sql.toFixed(0)} ms = ${perOrder(sql)} µs per checkout, ${((100 * sql) / run).toFixed(0)}% of the run`);
  console.log(`  SQL alone caps a run at ${Math.round((orders / sql) * 1000)} checkouts per wall second; everything else takes ${perOrder(run - sql)} µs per checkout`);
});
