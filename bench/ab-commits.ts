/**
 * A project network transport at an older commit against the working tree, in
 * interleaved A/B rounds in one process (see ab-rounds.ts): did a change make
 * a call cheaper, with the machine's noise hitting both sides alike.
 *
 *   npx tsx bench/ab-commits.ts [--base HEAD] [--transport http|grpc] [--call unary|stream|both] [--rounds 40] [--calls 500]
 *
 * The old tree (src and bench of `--base`) is unpacked into a temporary folder
 * with this checkout's node_modules, and imported beside the current one.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { intFlag, parseFlags, runCli } from "../src/cli/args.js";
import { abRatio, callKindsFlag, callOf, describeSpread, transportFlag } from "./ab-rounds.js";
import { networkPair } from "./project-pairs.js";
import type { RawPair } from "./raw-pair.js";

const USAGE = "usage: npx tsx bench/ab-commits.ts [--base REV] [--transport http|grpc] [--call unary|stream|both] [--rounds N] [--calls N] [--in-flight K]";

await runCli("ab-commits", USAGE, async () => {
  const values = parseFlags(process.argv.slice(2), {
    base: { type: "string" },
    transport: { type: "string" },
    call: { type: "string" },
    rounds: { type: "string" },
    calls: { type: "string" },
    "in-flight": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const base = values.base ?? "HEAD";
  const name = transportFlag(values.transport);
  const kinds = callKindsFlag(values.call);
  const rounds = intFlag("rounds", values.rounds, 1, 1000, 40);
  const calls = intFlag("calls", values.calls, 1, 1_000_000, 500);
  const inFlight = intFlag("in-flight", values["in-flight"], 1, 1024, 1);

  const root = resolve(import.meta.dirname, "..");
  const dir = mkdtempSync(join(tmpdir(), "ab-commits-"));
  try {
    const archive = execFileSync("git", ["-C", root, "archive", base, "src", "bench", "package.json", "tsconfig.json"], { maxBuffer: 1 << 30 });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
});
