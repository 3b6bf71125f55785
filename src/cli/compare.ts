/**
 * `npm run compare`: the whole comparison in one bounded command. Runs the
 * bench, then a load ladder per workload on grpc, http and inproc (each in
 * its own process, so CPU and RSS are that transport's), then the report;
 * everything lands in `--out` (default reports/). `--quick` takes ~30 s.
 */
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LOAD_TRANSPORTS } from "../load/target.js";
import { intFlag, parseFlags, runCli } from "./args.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const USAGE = `usage: npm run compare -- [--quick] [--out DIR] [--vus LIST] [--duration-s N] [--workloads checkout,hello]

  --quick         ~30 s: bench --quick, checkout only, VUs 10,50, 1 s steps
  --out DIR       where every JSON file and the report go (default reports)
  --vus LIST      the ladder (default 25,100,400,1600,3200)
  --duration-s N  seconds per step (default 3)
  --workloads W   which load workloads (default checkout,hello)`;

await runCli("compare", USAGE, async () => {
  const values = parseFlags(process.argv.slice(2), {
    quick: { type: "boolean" },
    out: { type: "string" },
    vus: { type: "string" },
    "duration-s": { type: "string" },
    workloads: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const quick = values.quick ?? false;
  const out = values.out ?? "reports";
  const vus = values.vus ?? (quick ? "10,50" : "25,100,400,1600,3200");
  const duration = String(intFlag("duration-s", values["duration-s"], 1, 600, quick ? 1 : 3));
  const workloads = (values.workloads ?? (quick ? "checkout" : "checkout,hello")).split(",");
  await mkdir(out, { recursive: true });
  const started = performance.now();
  const files: string[] = [join(out, "bench.json")];
  await run("bench/run.ts", [...(quick ? ["--quick"] : []), "--json", files[0]!]);
  for (const workload of workloads) {
    for (const transport of LOAD_TRANSPORTS) {
      const file = join(out, `load-${workload}-${transport}.json`);
      await run("src/cli/load.ts", ["--workload", workload, "--transport", transport, "--vus", vus, "--duration-s", duration, "--max-total-s", quick ? "20" : "240", "--json", file]);
      files.push(file);
    }
  }
  await run("src/cli/report.ts", ["--out", out, ...files]);
  console.log(`compare: done in ${((performance.now() - started) / 1000).toFixed(0)} s; open ${join(out, "report.html")}`);
});

/** Runs one of the project's TypeScript entry points in a child node process, output passed through; fails if it fails. */
function run(entry: string, args: readonly string[]): Promise<void> {
  console.log(`\n$ tsx ${entry} ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, entry), ...args], { stdio: "inherit", cwd: process.cwd() });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${entry} exited with ${code}`))));
  });
}
