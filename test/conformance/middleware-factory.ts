/**
 * The middleware stack in the conformance suite: in front of any transport,
 * the caller resolves the service in a registry (its one instance beating on
 * the clock), balances over it with a per-instance circuit breaker and
 * failover, under retry. A caller must not be able to tell it from the bare
 * transport: same values, codes, deadlines, cancellation and streams.
 */
import { createRandom } from "../../src/core/random.js";
import { applyInterceptors, type Transport } from "../../src/transports/call.js";
import { balanced } from "../../src/transports/middleware/balancer.js";
import { createBreakerSet } from "../../src/transports/middleware/circuit-breaker.js";
import { startHeartbeats } from "../../src/transports/middleware/heartbeat.js";
import { createServiceRegistry } from "../../src/transports/middleware/registry.js";
import { retry } from "../../src/transports/middleware/retry.js";
import type { TransportFactory } from "./harness.js";

/** `factory` behind registry + balancer + breaker + retry. */
export function withMiddlewareStack(factory: TransportFactory): TransportFactory {
  return {
    name: `${factory.name} + middleware`,
    async start(router, opts) {
      const started = await factory.start(router, opts);
      const { clock } = opts;
      const registry = createServiceRegistry({ clock, heartbeatIntervalMs: 100, missedBeats: 3 });
      const handle = registry.register("conformance", { id: "conformance-1", transport: started.transport });
      const stopBeats = startHeartbeats({ clock, intervalMs: 100, immediate: false, beat: () => handle.beat() });
      // The suite makes handlers fail on purpose, many times in a row: a breaker that opened would (rightly) change what callers see.
      const breakers = createBreakerSet({ clock, failureThreshold: 1000 });
      const balancer = balanced({ service: "conformance", registry, breakers, failover: {} });
      const retrying = applyInterceptors(balancer.call, [retry({ clock, random: createRandom("conformance-retry"), maxAttempts: 2, baseMs: 1 })]);
      const transport: Transport = { call: retrying };
      return {
        transport,
        async close() {
          stopBeats();
          registry.close();
          await started.close();
        },
      };
    },
  };
}
