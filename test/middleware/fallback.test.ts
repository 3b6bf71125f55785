import assert from "node:assert/strict";
import { test } from "node:test";
import type { Clock } from "../../src/core/clock.js";
import { ConformanceDefinition, EchoResponse } from "../../src/gen/lab/v1/conformance.js";
import { createClient } from "../../src/transports/client.js";
import { createInProcessTransport } from "../../src/transports/inproc/index.js";
import { balanced } from "../../src/transports/middleware/balancer.js";
import { createCircuitBreaker } from "../../src/transports/middleware/circuit-breaker.js";
import { withFallback, type FallbackEvent } from "../../src/transports/middleware/fallback.js";
import { startHeartbeats } from "../../src/transports/middleware/heartbeat.js";
import { createServiceRegistry } from "../../src/transports/middleware/registry.js";
import { createRouter } from "../../src/transports/router.js";
import { RpcError } from "../../src/transports/rpc-error.js";
import { Code, fakeInstance, listRequest, newScheduler, rpc, runTo, runUntilSettled, servedBy } from "./helpers.js";

/** The seed's demo server: answers "Hello" with "World", saying who it is; `down()` makes it fail UNAVAILABLE. */
function helloServer(name: string, clock: Clock) {
  let down = false;
  const router = createRouter().service(ConformanceDefinition, {
    async echo(request) {
      if (down) throw new RpcError(Code.UNAVAILABLE, `${name} is down`);
      if (request.text !== "Hello") throw new RpcError(Code.INVALID_ARGUMENT, "say Hello");
      return EchoResponse.fromPartial({ text: `World from ${name}` });
    },
  });
  return {
    transport: createInProcessTransport(router, { clock }),
    setDown: (value: boolean) => void (down = value),
  };
}

test("the seed's demo: Hello -> World through discovery and balancing, and from the secondary when the primaries fail", async () => {
  const clock = newScheduler();
  const registry = createServiceRegistry({ clock });
  const servers = ["hello-1", "hello-2"].map((id) => ({ id, ...helloServer(id, clock) }));
  const stops = servers.map(({ id, transport }) => {
    const handle = registry.register("hello", { id, address: `${id}:50051`, transport });
    return startHeartbeats({ clock, intervalMs: 1000, beat: handle.beat });
  });
  const secondary = helloServer("secondary", clock);
  const fallbacks: FallbackEvent[] = [];
  const transport = withFallback({
    primary: balanced({ service: "hello", registry }),
    secondary: secondary.transport,
    onFallback: (event) => fallbacks.push(event),
  });
  const client = createClient(ConformanceDefinition, transport);
  const hello = async () => (await client.echo({ text: "Hello" })).text;

  assert.deepEqual([await hello(), await hello()], ["World from hello-1", "World from hello-2"]);
  servers[0]!.setDown(true); // up in the registry, but failing: fallback per call
  assert.deepEqual([await hello(), await hello()], ["World from secondary", "World from hello-2"]);
  assert.deepEqual(
    fallbacks.map((f) => f.reason === "error" && `${f.error.code} ${f.error.message}`),
    ["14 hello-1 is down"],
  );

  stops.forEach((stop) => stop()); // every primary falls silent: the registry marks them down
  await runTo(clock, 5000);
  assert.equal(await hello(), "World from secondary");
  const last = fallbacks.at(-1);
  assert.ok(last?.reason === "error");
  assert.equal(last.path, "/lab.v1.Conformance/Echo");
  assert.equal(last.error.message, "no instance of hello is up");
  registry.close();
});

test("no fallback for an error the caller caused (INVALID_ARGUMENT)", async () => {
  const clock = newScheduler();
  const primary = helloServer("primary", clock);
  const secondary = fakeInstance("secondary", clock);
  const client = createClient(ConformanceDefinition, withFallback({ primary: primary.transport, secondary }));
  await assert.rejects(client.echo({ text: "Hi" }), { code: Code.INVALID_ARGUMENT, message: "say Hello" });
  assert.equal(secondary.calls.length, 0);
});

test("UNAVAILABLE and DEADLINE_EXCEEDED fall back by default; shouldFallback can say otherwise", async () => {
  const clock = newScheduler();
  let code: Code = Code.UNAVAILABLE;
  const primary = fakeInstance("primary", clock, { fail: () => rpc(code) });
  const secondary = fakeInstance("secondary", clock);
  const transport = withFallback({ primary, secondary });
  assert.equal(servedBy(await transport.call(listRequest())), "secondary");
  code = Code.DEADLINE_EXCEEDED;
  assert.equal(servedBy(await transport.call(listRequest())), "secondary");
  code = Code.INTERNAL;
  await assert.rejects(transport.call(listRequest()), { code: Code.INTERNAL });

  const custom = withFallback({ primary, secondary, shouldFallback: (error) => error.code === Code.INTERNAL });
  assert.equal(servedBy(await custom.call(listRequest())), "secondary");
  code = Code.UNAVAILABLE;
  await assert.rejects(custom.call(listRequest()), { code: Code.UNAVAILABLE });
});

test("with the primary's breaker open, calls go straight to the secondary; a trial goes back after openMs", async () => {
  const clock = newScheduler();
  let broken = true;
  const primary = fakeInstance("primary", clock, { fail: () => (broken ? rpc(Code.UNAVAILABLE) : undefined) });
  const secondary = fakeInstance("secondary", clock);
  const breaker = createCircuitBreaker({ clock, name: "primary", failureThreshold: 3, openMs: 2000 });
  const reasons: string[] = [];
  // Even a shouldFallback that takes nothing falls back while the breaker is open.
  const transport = withFallback({ primary, secondary, breaker, shouldFallback: () => false, onFallback: (e) => reasons.push(e.reason) });
  for (let i = 0; i < 3; i++) await assert.rejects(transport.call(listRequest()), { code: Code.UNAVAILABLE });
  assert.equal(breaker.state, "open");
  for (let i = 0; i < 5; i++) assert.equal(servedBy(await transport.call(listRequest())), "secondary");
  assert.equal(primary.calls.length, 3, "the open breaker keeps calls off the primary");
  assert.deepEqual(reasons, Array(5).fill("breaker-open"));

  broken = false;
  clock.advanceTo(2000);
  assert.equal(servedBy(await transport.call(listRequest())), "primary");
  assert.equal(breaker.state, "closed");
});

test("primaryTimeoutMs leaves the secondary time when the primary hangs", async () => {
  const clock = newScheduler();
  const primary = fakeInstance("primary", clock, { latencyMs: 60_000 });
  const secondary = fakeInstance("secondary", clock, { latencyMs: 5 });
  // The hand-made primary does not time itself out: a deadline interceptor's job on a real transport.
  const timed = {
    call: (request: Parameters<typeof primary.call>[0]) => {
      const controller = new AbortController();
      const cancel = clock.setTimer(request.deadline! - clock.now(), () => controller.abort(rpc(Code.DEADLINE_EXCEEDED, "deadline exceeded")));
      return primary.call({ ...request, signal: controller.signal }).finally(cancel);
    },
  };
  const transport = withFallback({ primary: timed, secondary, clock, primaryTimeoutMs: 200 });
  const response = await runUntilSettled(clock, transport.call(listRequest({ deadline: 1000 })));
  assert.equal(servedBy(response), "secondary");
  assert.equal(clock.now(), 205);
  assert.throws(() => withFallback({ primary, secondary, primaryTimeoutMs: 1 }), TypeError);
});

test("no fallback once the caller cancelled or the call's own deadline passed", async () => {
  const clock = newScheduler();
  const secondary = fakeInstance("secondary", clock);
  const controller = new AbortController();
  const cancelling = {
    call: async () => {
      controller.abort();
      throw rpc(Code.UNAVAILABLE);
    },
  };
  await assert.rejects(withFallback({ primary: cancelling, secondary }).call(listRequest({ signal: controller.signal })), { code: Code.UNAVAILABLE });
  const late = {
    call: async () => {
      clock.advanceTo(1000);
      throw rpc(Code.DEADLINE_EXCEEDED);
    },
  };
  await assert.rejects(withFallback({ primary: late, secondary, clock }).call(listRequest({ deadline: 1000 })), { code: Code.DEADLINE_EXCEEDED });
  assert.equal(secondary.calls.length, 0);
});
