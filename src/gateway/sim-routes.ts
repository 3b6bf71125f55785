import type { Clock } from "../core/clock.js";
import { invalidArgument } from "../core/errors.js";
import { MAX_SEED } from "../data/synthetic.js";
import { runCheckout } from "../sim/checkout-run.js";
import type { SimReport } from "../sim/report.js";
import { findScenario, SCENARIOS } from "../sim/scenarios.js";
import { Code } from "../transports/codes.js";
import { RpcError } from "../transports/rpc-error.js";
import { intField } from "./params.js";
import { localRoute, type GatewayRoute } from "./routes.js";

/** Options of {@link simRoutes}. */
export interface SimRouteOptions {
  /** Times the run (wallMs, and latencies on inproc). */
  readonly wallClock: Clock;
  /** The most orders one run may place. Default: 500. */
  readonly maxOrders?: number;
}

/** Transports a run started from the page may use: the ones that need no servers. */
const SIM_TRANSPORTS = ["sim", "inproc"] as const;
/** Virtual ms between order arrivals, as `npm run sim` defaults. */
const INTERVAL_MS = 5;

/**
 * `GET /api/scenarios` (the names and descriptions of `npm run sim -- --list`)
 * and `POST /api/sim` with `{"scenario", "seed", "orders", "transport":
 * "sim"|"inproc", "concurrency"}`: runs a short simulation on its own fresh
 * databases (not the gateway's) and answers its JSON report. One run at a
 * time; another one meanwhile gets 429.
 */
export function simRoutes(options: SimRouteOptions): GatewayRoute[] {
  const maxOrders = options.maxOrders ?? 500;
  let running = false;
  return [
    localRoute("GET", "/api/scenarios", async () => ({
      json: Object.entries(SCENARIOS).map(([name, scenario]) => ({ name, description: scenario.description })),
    })),
    localRoute("POST", "/api/sim", async ({ body = {} }) => {
      const name = body.scenario ?? "baseline";
      const scenario = typeof name === "string" ? findScenario(name) : undefined;
      if (!scenario || typeof name !== "string") throw invalidArgument(`scenario must be one of ${Object.keys(SCENARIOS).join(", ")}, got ${JSON.stringify(name)}`);
      const transport = body.transport ?? "sim";
      if (!(SIM_TRANSPORTS as readonly unknown[]).includes(transport)) throw invalidArgument(`transport must be one of ${SIM_TRANSPORTS.join(", ")}, got ${JSON.stringify(transport)}`);
      const seed = body.seed === undefined ? 1 : intField(body, "seed", { min: 0, max: MAX_SEED });
      const orders = body.orders === undefined ? 50 : intField(body, "orders", { min: 1, max: maxOrders });
      const concurrency = body.concurrency === undefined ? 16 : intField(body, "concurrency", { min: 1, max: 256 });
      const plan = scenario.plan({ windowMs: orders * INTERVAL_MS });
      if (transport === "inproc" && plan.faults.length > 0) throw invalidArgument(`scenario ${name} injects faults, which the inproc transport cannot do; use sim`);
      if (running) throw new RpcError(Code.RESOURCE_EXHAUSTED, "a simulation is already running; try again when it has finished");
      running = true;
      try {
        const started = options.wallClock.now();
        const run = await runCheckout({
          seed,
          orders,
          concurrency,
          transport: transport as (typeof SIM_TRANSPORTS)[number],
          scenario: name,
          plan,
          intervalMs: INTERVAL_MS,
          wallClock: options.wallClock,
        });
        for (const store of Object.values(run.stores)) store.close();
        const report: SimReport = { ...run.report, wallMs: options.wallClock.now() - started };
        return { json: report };
      } finally {
        running = false;
      }
    }),
  ];
}
