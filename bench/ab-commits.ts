/**
 * A project network transport, or a whole simulated run, at an older commit
 * against the working tree, in interleaved A/B rounds in one process (see
 * ab-rounds.ts): did a change make a call or a simulated checkout cheaper,
 * with the machine's noise hitting both sides alike.
 *
 *   npx tsx bench/ab-commits.ts [--base HEAD] [--transport http|grpc] [--call unary|stream|both] [--rounds 40] [--calls 500]
 *   npx tsx bench/ab-commits.ts [--base HEAD] --sim baseline|chaos|... [--orders 500] [--rounds 40]
 *
 * The old tree (src and bench of `--base`) is unpacked into a temporary folder
 * with this checkout's node_modules, and imported beside the current one.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { intFlag, parseFlags, runCli, UsageError } from "../src/cli/args.js";
import { findScenario, SCENARIOS } from "../src/sim/scenarios.js";
import { abRatio, callKindsFlag, callOf, describeSpread, transportFlag } from "./ab-rounds.js";
import { networkPair } from "./project-pairs.js";
import type { RawPair } from "./raw-pair.js";
import { simRun, type SimRun } from "./sim-runs.js";

const USAGE =
  "usage: npx tsx bench/ab-commits.ts [--base REV] [--transport http|grpc] [--call unary|stream|both] [--rounds N] [--calls N] [--in-flight K]\n" +
  "       npx tsx bench/ab-commits.ts [--base REV] --sim SCENARIO [--orders N] [--rounds N]";

await runCli("ab-commits", USAGE, async () => {
  const values = parseFlags(process.argv.slice(2), {
    base: { type: "string" },
    transport: { type: "string" },
    call: { type: "string" },
    rounds: { type: "string" },
    calls: { type: "string" },
    "in-flight": { type: "string" },
    sim: { type: "string" },
    orders: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const base = values.base ?? "HEAD";
  if (values.sim !== undefined) {
    if (!findScenario(values.sim)) throw new UsageError(`--sim: no scenario "${values.sim}"; one of ${Object.keys(SCENARIOS).join(", ")}`);
    const orders = intFlag("orders", values.orders, 1, 1_000_000, 500);
    return withTreeAt(base, (dir) => compareSim(dir, base, values.sim!, orders, intFlag("rounds", values.rounds, 1, 1000, 40)));
  }
  const name = transportFlag(values.transport);
  const kinds = callKindsFlag(values.call);
  const rounds = intFlag("rounds", values.rounds, 1, 1000, 40);
  const calls = intFlag("calls", values.calls, 1, 1_000_000, 500);
  const inFlight = intFlag("in-flight", values["in-flight"], 1, 1024, 1);

  return withTreeAt(base, async (dir) => {
    const old = (await import(pathToFileURL(join(dir, "bench", "project-pairs.ts")).href)) as { networkPair: typeof networkPair };
    const before: RawPair = await old.networkPair(name);
    const after = await networkPair(name);
    try {
      for (const kind of kinds) {
        const result = await abRatio(callOf(before, kind, 10), callOf(after, kind, 10), { rounds, calls, inFlight });
        console.log(`${name} ${kind} (${inFlight > 1 ? `${inFlight} in flight` : "one at a time"}, ${rounds} x ${calls} calls per side), working tree / ${base}:`);
        const labels = { base, own: "working tree" };
        console.log(`  wall ${describeSpread(result.wall, labels)}`);
        console.log(`  cpu  ${describeSpread(result.cpu, labels)}`);
      }
    } finally {
      await after.close();
      await before.close();
    }
    return 0;
  });
});

/** Runs `fn` with the src and bench of `rev` unpacked into a temporary folder (with this checkout's node_modules). */
async function withTreeAt(rev: string, fn: (dir: string) => Promise<number>): Promise<number> {
  const root = resolve(import.meta.dirname, "..");
  const dir = mkdtempSync(join(tmpdir(), "ab-commits-"));
  try {
    const archive = execFileSync("git", ["-C", root, "archive", rev, "src", "bench", "package.json", "tsconfig.json"], { maxBuffer: 1 << 30 });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Whole seeded simulated runs (seed 1, an order every 5 virtual ms) of both
 * trees in alternating rounds; the trace hashes tell whether the change kept
 * every run the same. Exit status 1 if an invariant failed on either side.
 */
async function compareSim(dir: string, base: string, scenario: string, orders: number, rounds: number): Promise<number> {
  const old = (await import(pathToFileURL(join(dir, "bench", "sim-runs.ts")).href)) as { simRun: typeof simRun };
  const runs: { base?: SimRun; own?: SimRun } = {};
  const result = await abRatio(
    async () => (runs.base = await old.simRun(scenario, "sim", orders, 5)),
    async () => (runs.own = await simRun(scenario, "sim", orders, 5)),
    { rounds, calls: 1 },
  );
  console.log(`sim ${scenario} (${rounds} rounds of one ${orders}-order run per side), working tree / ${base}:`);
  const labels = { base, own: "working tree" };
  console.log(`  wall ${describeSpread(result.wall, labels)}`);
  console.log(`  cpu  ${describeSpread(result.cpu, labels)}`);
  const perSecond = (us: number) => Math.round((orders / us) * 1e6);
  console.log(`  checkouts per wall second (medians): ${base} ${perSecond(result.wall.baseUs)}, working tree ${perSecond(result.wall.ownUs)}`);
  const hashes = [runs.base?.traceHash, runs.own?.traceHash];
  console.log(`  trace hash: ${hashes[0] === undefined ? `n/a at ${base}` : hashes[0] === hashes[1] ? "the same on both sides" : `DIFFERS (${hashes.map((h) => h?.slice(0, 16)).join(" vs ")})`}`);
  const ok = runs.base?.ok !== false && runs.own?.ok !== false;
  if (!ok) console.log("  an invariant failed: see npm run sim");
  return ok ? 0 : 1;
}
