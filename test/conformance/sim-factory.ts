/**
 * The simulated transport in the conformance suite. The suite measures real
 * time, so here the scheduler is paced by the wall clock: virtual time starts
 * at the wall clock's reading and each event runs when its time comes. (In a
 * simulation run the same scheduler runs as fast as it can instead.)
 */
import { createRandom } from "../../src/core/random.js";
import { SimNetwork } from "../../src/sim/network/sim-network.js";
import { drainMicrotasks } from "../../src/sim/drain.js";
import { Scheduler } from "../../src/sim/scheduler.js";
import { createSimTransport } from "../../src/sim/sim-transport.js";
import { createRouter } from "../../src/transports/router.js";
import { systemClock } from "../../src/transports/system-clock.js";
import type { TransportFactory } from "./harness.js";

/** The sim transport between a client node and a server node, on a wall-paced scheduler. */
export const simTransportFactory: TransportFactory = {
  name: "sim",
  async start(router) {
    const scheduler = new Scheduler({ startMs: systemClock.now() });
    const network = new SimNetwork({ scheduler, random: createRandom("conformance"), record: () => {} });
    network.addNode("server", () => ({ router }));
    network.addNode("client", () => ({ router: createRouter() }));
    let stopped = false;
    const pace = async () => {
      while (!stopped) {
        await scheduler.run({ drain: drainMicrotasks, untilMs: systemClock.now(), stop: () => stopped });
        const next = scheduler.nextAt();
        const wait = next === undefined ? 1 : Math.max(0, Math.min(next - systemClock.now(), 5));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    };
    const pacing = pace();
    const transport = createSimTransport(network, "client", "server");
    return {
      // Catch virtual time up with the wall clock first, so the caller's clock reads what the test's does.
      transport: { call: (request) => (scheduler.advanceTo(systemClock.now()), transport.call(request)) },
      close: async () => {
        stopped = true;
        await pacing;
      },
    };
  },
};
