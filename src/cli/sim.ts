/** CLI: runs the checkout workload and checks every invariant (`npm run sim -- --help`). */
import { constants } from "node:fs";
import { access, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { RANDOM_ALGORITHM } from "../core/random.js";
import { exportStores } from "../core/system/stores.js";
import { readCatalog } from "../data/ecommerce-db.js";
import { writeFileAtomic } from "../io/write-file-atomic.js";
import { runCheckout, RUN_TRANSPORTS, type RunTransport } from "../sim/checkout-run.js";
import { CLIENT_NODE } from "../sim/deploy-sim.js";
import { parseFaultPlan, RUN_LIMITS, type FaultPlan } from "../sim/faults/plan.js";
import { findScenario, SCENARIOS } from "../sim/scenarios.js";
import { formatReport, reportPassed, type SimReport } from "../sim/report.js";
import { compareBalancers } from "../sim/registry/balancer-comparison.js";
import { REGISTRY_NODE } from "../sim/registry/sim-registry.js";
import { parseBalancerChoice, parseReplicaLayout, replicatedServices, serviceNodeNames, type ReplicaLayout } from "../sim/replicas.js";
import { systemClock } from "../transports/system-clock.js";
import { intFlag, parseFlags, runCli, UsageError } from "./args.js";


const USAGE = `usage: npm run sim -- [--scenario NAME|plan.json] [--seed N] [--transport ${RUN_TRANSPORTS.join("|")}] [--orders N]
                      [--concurrency N] [--json out.json] [--db-dir DIR] [--trace trace.jsonl] [--list]
                      [--replicas SERVICE=K,...] [--balancer NAME|SERVICE=NAME,...] [--routing client|proxy] [--compare-balancers]

Places a seeded workload of orders through the six checkout services, then checks
every invariant over their databases. Exit status 0 iff every invariant holds.

  --scenario NAME     a named scenario (--list describes them) or a fault plan file (plan.json); default baseline
  --seed N            seed of the catalog, the baskets and every random draw (default 1);
                      draws use ${RANDOM_ALGORITHM}
  --transport T       ${RUN_TRANSPORTS.join(", ")} (default sim: simulated network, virtual time;
                      inproc: direct calls, no faults; a real transport: loopback servers, wall time)
  --orders N          orders to place, 1..1000000 (default 200)
  --concurrency N     orders in flight at once, 1..10000 (default 16)
  --interval-ms N     virtual ms between order arrivals on the sim transport (default 5)
  --json FILE         write the JSON report
  --db-dir DIR        write each service's database as DIR/<service>.db
  --trace FILE        write every call and reply as JSON lines
  --catalog FILE      start from the customers, products and stock of an ecommerce.db (npm run data)
  --replicas S=K,...  run K replicas of service S (1..16), sharing its database: pagamentos=3,estoque=2
                      (default: the scenario's own layout, else one each); replica nodes are S, S-2, S-3...
  --balancer B        round-robin, least-outstanding or p2c, for every replicated service, or per service:
                      pagamentos=p2c,estoque=least-outstanding (default round-robin)
  --routing R         sim: client (each caller balances, default) or proxy (a reverse-proxy node S-proxy per service)
  --compare-balancers run the same seed and plan under every balancer too and print them side by side
                      (the slow-replica scenario does this by itself on the sim)
  --list              describe the scenarios and exit
  -h, --help          show this help`;

await runCli("sim", USAGE, async () => {
  const values = parseFlags(process.argv.slice(2), {
    scenario: { type: "string", default: "baseline" },
    "interval-ms": { type: "string" },
    seed: { type: "string" },
    transport: { type: "string", default: "sim" },
    orders: { type: "string" },
    concurrency: { type: "string" },
    json: { type: "string" },
    "db-dir": { type: "string" },
    trace: { type: "string" },
    catalog: { type: "string" },
    list: { type: "boolean" },
    replicas: { type: "string" },
    balancer: { type: "string" },
    routing: { type: "string" },
    "compare-balancers": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  if (values.list) {
    for (const [name, scenario] of Object.entries(SCENARIOS)) process.stdout.write(`${name.padEnd(18)} ${scenario.description}\n`);
    return;
  }
  if (!(RUN_TRANSPORTS as readonly string[]).includes(values.transport)) {
    throw new UsageError(`--transport must be one of ${RUN_TRANSPORTS.join(", ")}, got ${JSON.stringify(values.transport)}`);
  }
  const replicasFlag = values.replicas === undefined ? undefined : usage("replicas", () => parseReplicaLayout(values.replicas!));
  const balancer = values.balancer === undefined ? undefined : usage("balancer", () => parseBalancerChoice(values.balancer!));
  if (values.routing !== undefined && values.routing !== "client" && values.routing !== "proxy") {
    throw new UsageError(`--routing must be client or proxy, got ${JSON.stringify(values.routing)}`);
  }
  const namedLayout = values.scenario.endsWith(".json") ? undefined : findScenario(values.scenario)?.replicas;
  const layout = replicasFlag ?? namedLayout;
  if (values.transport === "inproc" && replicatedServices(layout).length > 0) {
    throw new UsageError("--transport inproc runs one instance per service; replicas need sim, grpc or http");
  }
  // A saved plan may carry the run it was found with; flags given here win.
  const saved = values.scenario.endsWith(".json") ? await readPlan(values.scenario, layout) : undefined;
  const limit = (flag: string, raw: string | undefined, { min, max }: { min: number; max: number }, fallback: number) => intFlag(flag, raw, min, max, fallback);
  const seed = limit("seed", values.seed, RUN_LIMITS.seed, saved?.run?.seed ?? 1);
  const orders = limit("orders", values.orders, RUN_LIMITS.orders, saved?.run?.orders ?? 200);
  const concurrency = limit("concurrency", values.concurrency, RUN_LIMITS.concurrency, saved?.run?.concurrency ?? 16);
  const intervalMs = limit("interval-ms", values["interval-ms"], RUN_LIMITS.intervalMs, saved?.run?.intervalMs ?? 5);
  const scenario = saved ? { name: values.scenario, plan: saved } : namedScenario(values.scenario, orders * intervalMs);
  if (values.transport === "inproc" && scenario.plan.faults.length > 0) {
    throw new UsageError(`--scenario ${values.scenario} injects faults, which --transport inproc cannot do (use sim, or a real transport)`);
  }

  const compare = values["compare-balancers"] || (values.transport === "sim" && !saved && findScenario(values.scenario)?.compareBalancers === true);
  if (compare && replicatedServices(layout).length === 0) throw new UsageError("--compare-balancers needs a replicated service (--replicas)");
  if (values.routing === "proxy" && (values.transport !== "sim" || replicatedServices(layout).length === 0)) {
    throw new UsageError("--routing proxy needs the sim transport and a replicated service (--replicas)");
  }
  // Where the results go is checked before the run, not after minutes of it.
  await prepareOutputs({ json: values.json, trace: values.trace, dbDir: values["db-dir"] });

  const catalog = values.catalog ? await loadCatalog(values.catalog) : undefined;
  const progress = process.stderr.isTTY ? progressBar(orders) : undefined;
  const wallStart = performance.now();
  const run = await runCheckout({
    seed,
    orders,
    concurrency,
    transport: values.transport as RunTransport,
    scenario: scenario.name,
    plan: scenario.plan,
    intervalMs,
    wallClock: systemClock,
    keepTrace: values.trace !== undefined,
    ...(catalog ? { catalog } : {}),
    ...(progress ? { onProgress: progress } : {}),
    ...(layout ? { replicas: layout } : {}),
    ...(balancer ? { balancer } : {}),
    ...(values.routing ? { routing: values.routing as "client" | "proxy" } : {}),
  });
  const comparison = compare
    ? await compareBalancers(
        runCheckout,
        { seed, orders, concurrency, transport: values.transport as RunTransport, scenario: scenario.name, plan: scenario.plan, intervalMs, wallClock: systemClock, ...(catalog ? { catalog } : {}), ...(values.routing ? { routing: values.routing as "client" | "proxy" } : {}) },
        layout!,
      )
    : undefined;
  const report: SimReport = { ...run.report, ...(comparison ? { balancerComparison: comparison } : {}), wallMs: Math.round(performance.now() - wallStart) };
  if (progress) process.stderr.write("\r\x1b[K");

  process.stdout.write(`${formatReport(report)}\n`);
  if (values.json) await writeFileAtomic(values.json, `${JSON.stringify(report, null, 2)}\n`);
  if (values["db-dir"]) await exportStores(run.stores, values["db-dir"]);
  if (values.trace) await writeFileAtomic(values.trace, run.traceLines.map((l) => `${l}\n`).join(""));
  if (!reportPassed(report)) {
    const optional = { catalog: values.catalog, replicas: values.replicas, balancer: values.balancer, routing: values.routing };
    const flags = Object.entries(optional).flatMap(([flag, value]) => (value ? [`--${flag} ${shellQuote(value)}`] : []));
    const replay = [`npm run sim -- --scenario ${shellQuote(values.scenario)} --seed ${seed} --transport ${values.transport} --orders ${orders} --concurrency ${concurrency} --interval-ms ${intervalMs}`, ...flags].join(" ");
    process.stdout.write(`replay with: ${replay}\n`);
    return 1;
  }
  return 0;
});

/** Runs a flag's parser, turning its error into a usage error naming the flag. */
function usage<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`);
  }
}

/** A named scenario laid out over the workload's window. */
function namedScenario(value: string, windowMs: number): { name: string; plan: FaultPlan } {
  const named = findScenario(value);
  if (!named) throw new UsageError(`--scenario ${JSON.stringify(value)} is neither a known scenario (${Object.keys(SCENARIOS).join(", ")}) nor a .json plan`);
  return { name: value, plan: named.plan({ windowMs }) };
}

/** A fault plan from a JSON file; a bad plan is a usage error naming each wrong field. */
async function readPlan(value: string, layout: ReplicaLayout | undefined): Promise<FaultPlan> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(value, "utf8"));
  } catch (error) {
    throw new UsageError(`--scenario: cannot read the plan ${value}: ${(error as Error).message}`);
  }
  try {
    const replicated = replicatedServices(layout).length > 0;
    return parseFaultPlan(json, { nodes: [...serviceNodeNames(layout), CLIENT_NODE, ...(replicated ? [REGISTRY_NODE] : [])], workload: CLIENT_NODE });
  } catch (error) {
    throw new UsageError(`--scenario ${value}: ${(error as Error).message}`);
  }
}

/** Reads customers, products and stock from an ecommerce.db; a bad file is a usage error. */
async function loadCatalog(path: string) {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`--catalog: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const catalog = await readCatalog(bytes);
    if (catalog.clientes.length === 0 || catalog.produtos.length === 0) throw new Error("it has no customers or no products");
    return catalog;
  } catch (error) {
    throw new UsageError(`--catalog: ${path}: ${(error as Error).message}`);
  }
}

/** A one-line progress bar on stderr, redrawn at most every 1% of the run. */
function progressBar(total: number): (done: number) => void {
  let shown = -1;
  return (done) => {
    const percent = Math.floor((done / total) * 100);
    if (percent === shown) return;
    shown = percent;
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${percent}% ${done}/${total} orders`);
  };
}

/** Creates the folders the outputs go to, and refuses (as a usage error) a path that cannot be written. */
async function prepareOutputs({ json, trace, dbDir }: { json?: string | undefined; trace?: string | undefined; dbDir?: string | undefined }): Promise<void> {
  const folders = [...[["json", json], ["trace", trace]].flatMap(([flag, file]) => (file ? [[flag!, dirname(file)]] : [])), ...(dbDir ? [["db-dir", dbDir]] : [])];
  for (const [flag, folder] of folders) {
    try {
      await mkdir(folder!, { recursive: true });
      await access(folder!, constants.W_OK);
    } catch (error) {
      throw new UsageError(`--${flag}: cannot write to ${JSON.stringify(folder)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
}

/** `value` as one shell word. */
function shellQuote(value: string): string {
  return /^[\w./:=,@+-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
