/**
 * A project network transport, or a whole simulated run, at an older commit
 * against the working tree, in interleaved A/B rounds in one process (see
 * ab-rounds.ts): did a change make a call or a simulated checkout cheaper,
 * with the machine's noise hitting both sides alike.
 *
 *   npx tsx bench/ab-commits.ts [--base HEAD] [--transport http|grpc] [--call unary|stream|both] [--rounds 40] [--calls 500]
 *   npx tsx bench/ab-commits.ts [--base HEAD] --sim baseline|chaos|... [--orders 500] [--rounds 40] [--processes]
 *
 * The old tree (src and bench of `--base`) is unpacked into a temporary folder
 * with this checkout's node_modules, and imported beside the current one; with
 * --processes each simulated run gets a fresh process instead (a warm-up run,
 * then the timed one), alternating trees: in one process both trees share the
 * libraries' classes (@bufbuild's reader and writer, sql.js), whose inline
 * caches then see both trees' code, which skews a change to how they are used.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { intFlag, parseFlags, runCli } from "../src/cli/args.js";
import { abRatio, callKindsFlag, callOf, describeSpread, scenarioFlag, spread, transportFlag, type AbResult } from "./ab-rounds.js";
import { networkPair } from "./project-pairs.js";
import type { RawPair } from "./raw-pair.js";
import { simRun, type SimRun } from "./sim-runs.js";

const USAGE =
  "usage: npx tsx bench/ab-commits.ts [--base REV] [--transport http|grpc] [--call unary|stream|both] [--rounds N] [--calls N] [--in-flight K]\n" +
  "       npx tsx bench/ab-commits.ts [--base REV] --sim SCENARIO [--orders N] [--rounds N] [--processes]";

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
    processes: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const base = values.base ?? "HEAD";
  if (values.sim !== undefined) {
    const scenario = scenarioFlag("sim", values.sim);
    const orders = intFlag("orders", values.orders, 1, 1_000_000, 500);
    const rounds = intFlag("rounds", values.rounds, 1, 1000, values.processes ? 8 : 40);
    return withTreeAt(base, (dir) => compareSim(dir, base, scenario, orders, rounds, values.processes === true));
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
async function compareSim(dir: string, base: string, scenario: string, orders: number, rounds: number, processes: boolean): Promise<number> {
  const runs: { base?: RunOutcome; own?: RunOutcome } = {};
  let result: AbResult;
  if (processes) {
    result = runsInProcesses(dir, scenario, orders, rounds, runs);
  } else {
    const old = (await import(pathToFileURL(join(dir, "bench", "sim-runs.ts")).href)) as { simRun: typeof simRun };
    result = await abRatio(
      async () => (runs.base = await old.simRun(scenario, "sim", orders, 5)),
      async () => (runs.own = await simRun(scenario, "sim", orders, 5)),
      { rounds, calls: 1 },
    );
  }
  console.log(`sim ${scenario} (${rounds} rounds of one ${orders}-order run per side${processes ? ", each in its own process" : ""}), working tree / ${base}:`);
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

/** What a compared run tells besides its time. */
type RunOutcome = Pick<SimRun, "traceHash" | "ok">;

/** Alternating rounds of one run per tree, each in a fresh process (bench/sim-run-process.ts), who goes first alternating too. */
function runsInProcesses(dir: string, scenario: string, orders: number, rounds: number, runs: { base?: RunOutcome; own?: RunOutcome }): AbResult {
  const root = resolve(import.meta.dirname, "..");
  const once = (tree: string): { wallUs: number; cpuUs: number } & RunOutcome =>
    JSON.parse(execFileSync(process.execPath, ["--import", "tsx", join(root, "bench", "sim-run-process.ts"), tree, scenario, String(orders)], { cwd: root, encoding: "utf8" }).trim().split("\n").pop()!);
  const base: { wallUs: number; cpuUs: number }[] = [];
  const own: { wallUs: number; cpuUs: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (["base", "own"] as const) : (["own", "base"] as const);
    for (const side of order) {
      const run = once(side === "base" ? dir : root);
      (side === "base" ? base : own).push(run);
      runs[side] = run;
    }
  }
  return {
    wall: spread(base.map((r) => r.wallUs), own.map((r) => r.wallUs)),
    cpu: spread(base.map((r) => r.cpuUs), own.map((r) => r.cpuUs)),
  };
}
