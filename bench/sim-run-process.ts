/**
 * One simulated run in a process of its own, for `bench:ab-commits --processes`:
 * imports bench/sim-runs.ts from the tree it is given (the working tree or an
 * older revision unpacked elsewhere), makes a warm-up run, then times one run
 * and prints it as a JSON line: {wallUs, cpuUs, traceHash, ok}.
 *
 *   node --import tsx bench/sim-run-process.ts TREE_DIR SCENARIO ORDERS
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { simRun as SimRunFn } from "./sim-runs.js";

const [tree, scenario, orders] = process.argv.slice(2);
if (tree === undefined || scenario === undefined || orders === undefined) {
  process.stderr.write("usage: node --import tsx bench/sim-run-process.ts TREE_DIR SCENARIO ORDERS\n");
  process.exit(2);
}
const { simRun } = (await import(pathToFileURL(join(tree, "bench", "sim-runs.ts")).href)) as { simRun: typeof SimRunFn };
await simRun(scenario, "sim", Math.min(300, Number(orders)), 5);
const cpu = process.cpuUsage();
const started = performance.now();
const run = await simRun(scenario, "sim", Number(orders), 5);
const wallUs = (performance.now() - started) * 1000;
const used = process.cpuUsage(cpu);
process.stdout.write(`${JSON.stringify({ wallUs, cpuUs: used.user + used.system, traceHash: run.traceHash, ok: run.ok })}\n`);
