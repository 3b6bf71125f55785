/**
 * `npm run bench`: what one call, one message and one simulated checkout cost
 * on this machine, measured in one process so the ratios compare like with
 * like. Prints a table and writes the numbers as JSON (`--json FILE`).
 */
import { performance } from "node:perf_hooks";
import { Bench } from "tinybench";
import { parseFlags, intFlag, runCli } from "../src/cli/args.js";
import { ProcessarPagamentoRequest } from "../src/gen/ecommerce/v1/pagamentos.js";
import { writeFileAtomic } from "../src/io/write-file-atomic.js";
import { runCheckout } from "../src/sim/checkout-run.js";
import { Scheduler } from "../src/sim/scheduler.js";
import { SCENARIOS } from "../src/sim/scenarios.js";
import { systemClock } from "../src/transports/system-clock.js";
import { SqlStore } from "../src/core/store/sql-store.js";

const USAGE = `usage: npm run bench -- [--orders N] [--json FILE]

  --orders N   orders per simulated run (default 2000)
  --json FILE  also write the results as JSON`;

await runCli("bench", USAGE, async () => {
  const values = parseFlags(process.argv.slice(2), { orders: { type: "string" }, json: { type: "string" }, help: { type: "boolean", short: "h" } });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const orders = intFlag("orders", values.orders, 10, 1_000_000, 2000);

  const micro = await microbenchmarks();
  console.log("per operation (tinybench, mean of many runs)");
  console.table(micro.map((r) => ({ task: r.name, "µs/op": r.us.toFixed(2), "ops/s": Math.round(1e6 / r.us) })));

  const runs = [];
  for (const [scenario, intervalMs, transport] of [
    ["baseline", 5, "inproc"],
    ["baseline", 5, "sim"],
    ["chaos", 5, "sim"],
    ["baseline", 1000, "sim"],
  ] as const) {
    runs.push(await simRun(scenario, transport, orders, intervalMs));
  }
  console.log(`whole checkouts (${orders} orders per run, seed 1)`);
  console.table(
    runs.map((r) => ({
      transport: r.transport,
      scenario: r.scenario,
      "arrival every": `${r.intervalMs} ms`,
      "checkouts/wall s": Math.round(r.checkoutsPerSecond),
      "virtual/wall": r.transport === "sim" ? `${r.virtualPerWall.toFixed(1)}x` : "-",
      "sim events/s": r.transport === "sim" ? Math.round(r.eventsPerSecond) : "-",
      "wall ms": Math.round(r.wallMs),
      "invariants": r.ok ? "ok" : "FAILED",
    })),
  );
  if (values.json) await writeFileAtomic(values.json, `${JSON.stringify({ orders, micro, runs }, null, 2)}\n`);
});

async function microbenchmarks(): Promise<{ name: string; us: number }[]> {
  const message = ProcessarPagamentoRequest.fromPartial({
    pedidoId: 123456,
    clienteId: 42,
    valorCentavos: 1_234_567,
    metodo: "cartao_credito",
    itens: [1, 2, 3].map((i) => ({ produtoId: i, quantidade: i, precoUnitarioCentavos: 1999 * i })),
  });
  const bytes = ProcessarPagamentoRequest.encode(message).finish();
  const json = JSON.stringify(ProcessarPagamentoRequest.toJSON(message));
  const store = await SqlStore.open();
  store.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  for (let i = 1; i <= 1000; i++) store.run("INSERT INTO t (id, v) VALUES (?, ?)", [i, `v${i}`]);
  let id = 1000;

  const bench = new Bench({ time: 300 });
  bench
    .add("protobuf encode ProcessarPagamentoRequest", () => void ProcessarPagamentoRequest.encode(message).finish())
    .add("protobuf decode ProcessarPagamentoRequest", () => void ProcessarPagamentoRequest.decode(bytes))
    .add("proto3 JSON encode ProcessarPagamentoRequest", () => void JSON.stringify(ProcessarPagamentoRequest.toJSON(message)))
    .add("proto3 JSON decode ProcessarPagamentoRequest", () => void ProcessarPagamentoRequest.fromJSON(JSON.parse(json)))
    .add("sql.js SELECT by primary key", () => void store.get("SELECT v FROM t WHERE id = ?", [(id % 1000) + 1]))
    .add("sql.js transaction with one INSERT", () => void store.tx(() => store.run("INSERT INTO t (id, v) VALUES (?, ?)", [++id, "x"])));
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result as { latency?: { mean: number } } | undefined;
    return { name: task.name, us: (result?.latency?.mean ?? Number.NaN) * 1000 };
  });
}

async function simRun(scenario: string, transport: "sim" | "inproc", orders: number, intervalMs: number) {
  const started = performance.now();
  const { report } = await runCheckout({
    seed: 1,
    orders,
    concurrency: 16,
    transport,
    wallClock: transport === "sim" ? new Scheduler() : systemClock,
    scenario,
    plan: SCENARIOS[scenario]!.plan({ windowMs: orders * intervalMs }),
    intervalMs,
  });
  const wallMs = performance.now() - started;
  return {
    scenario,
    transport,
    intervalMs,
    wallMs,
    checkoutsPerSecond: (report.orders.placed / wallMs) * 1000,
    virtualPerWall: report.virtualMs / wallMs,
    eventsPerSecond: (report.events / wallMs) * 1000,
    ok: report.invariants.every((i) => i.ok),
  };
}
