import assert from "node:assert/strict";
import { test } from "node:test";
import { createRandom } from "../../src/core/random.js";
import { ConformanceDefinition } from "../../src/gen/lab/v1/conformance.js";
import { createClient } from "../../src/transports/client.js";
import { createInProcessTransport } from "../../src/transports/inproc/index.js";
import { balanced, leastOutstanding, powerOfTwoChoices, roundRobin, type BalanceStrategy } from "../../src/transports/middleware/balancer.js";
import { createBreakerSet } from "../../src/transports/middleware/circuit-breaker.js";
import { startHeartbeats } from "../../src/transports/middleware/heartbeat.js";
import { createServiceRegistry } from "../../src/transports/middleware/registry.js";
import { createRouter } from "../../src/transports/router.js";
import { ConformanceService } from "../conformance/conformance-service.js";
import { Code, fakeInstance, listRequest, newScheduler, rpc, runTo, servedBy, type FakeInstance } from "./helpers.js";

const SERVICE = "catalogo";

function fleet(ids: readonly string[], options: { latencyMs?: number } = {}) {
  const clock = newScheduler();
  const registry = createServiceRegistry({ clock });
  const instances = new Map<string, FakeInstance>();
  const handles = ids.map((id) => {
    const instance = fakeInstance(id, clock, options);
    instances.set(id, instance);
    return registry.register(SERVICE, { id, transport: instance });
  });
  return { clock, registry, instances, handles, get: (id: string) => instances.get(id)! };
}

function tally(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

test("round robin spreads 3000 calls over 3 healthy instances within 5% of even", async () => {
  const { registry, instances } = fleet(["a", "b", "c"]);
  const transport = balanced({ service: SERVICE, registry, strategy: roundRobin() });
  const served: string[] = [];
  for (let i = 0; i < 9000; i++) served.push(servedBy(await transport.call(listRequest())));
  for (const [id, instance] of instances) {
    const share = instance.calls.length;
    assert.ok(Math.abs(share - 3000) <= 150, `${id} got ${share} of 9000`);
  }
  assert.deepEqual(served.slice(0, 6), ["a", "b", "c", "a", "b", "c"]);
  registry.close();
});

test("round robin keeps its order when an instance joins or leaves", async () => {
  const { clock, registry, handles } = fleet(["a", "b", "c"]);
  const transport = balanced({ service: SERVICE, registry });
  const pick = async () => servedBy(await transport.call(listRequest()));
  assert.deepEqual([await pick(), await pick()], ["a", "b"]);
  handles[2]!.deregister(); // c leaves
  assert.deepEqual([await pick(), await pick()], ["a", "b"]);
  registry.register(SERVICE, { id: "bb", transport: fakeInstance("bb", clock) });
  assert.deepEqual([await pick(), await pick(), await pick()], ["bb", "a", "b"]);
  registry.close();
});

test("least outstanding sends calls to the idle instances while one is busy", async () => {
  const { clock, registry, get } = fleet(["a", "b", "c"]);
  get("a").latencyMs = 10_000;
  const transport = balanced({ service: SERVICE, registry, strategy: leastOutstanding() });
  const hanging = transport.call(listRequest({ deadline: 5000 })); // goes to a and stays
  hanging.catch(() => {});
  assert.equal(transport.outstanding("a"), 1);
  const served: string[] = [];
  for (let i = 0; i < 10; i++) served.push(servedBy(await transport.call(listRequest())));
  assert.deepEqual(served, ["b", "c", "b", "c", "b", "c", "b", "c", "b", "c"]);
  assert.equal(get("a").calls.length, 1);
  assert.equal(transport.outstanding("b"), 0);
  registry.close();
  void clock;
});

test("power of two choices is the same for the same seed, and different for another", async () => {
  const picks = async (seed: number) => {
    const { registry } = fleet(["a", "b", "c", "d", "e"]);
    const transport = balanced({ service: SERVICE, registry, strategy: powerOfTwoChoices(createRandom(seed).fork("p2c")) });
    const served: string[] = [];
    for (let i = 0; i < 200; i++) served.push(servedBy(await transport.call(listRequest())));
    registry.close();
    return served;
  };
  const first = await picks(42);
  assert.deepEqual(await picks(42), first);
  assert.notDeepEqual(await picks(43), first);
  assert.equal(tally(first).size, 5, "every instance gets some calls");
});

test("power of two choices steers away from a slow instance", async () => {
  const { clock, registry, get } = fleet(["a", "b", "c"], { latencyMs: 10 });
  get("b").latencyMs = 500;
  const transport = balanced({ service: SERVICE, registry, strategy: powerOfTwoChoices(createRandom(7)) });
  const calls: Promise<unknown>[] = [];
  for (let t = 0; t < 3000; t += 5) clock.setTimer(t, () => calls.push(transport.call(listRequest())));
  await runTo(clock, 4000);
  await Promise.all(calls);
  const total = calls.length;
  const slow = get("b").calls.length;
  assert.equal(total, 600);
  assert.ok(slow < total * 0.05, `the slow instance got ${slow} of ${total}`);
  assert.ok(get("a").calls.length > total * 0.4 && get("c").calls.length > total * 0.4);
  registry.close();
});

test("no instance up: UNAVAILABLE naming the service", async () => {
  const clock = newScheduler();
  const registry = createServiceRegistry({ clock });
  const transport = balanced({ service: SERVICE, registry });
  await assert.rejects(transport.call(listRequest()), { code: Code.UNAVAILABLE, message: "no instance of catalogo is up" });
  const handle = registry.register(SERVICE, { id: "a", transport: fakeInstance("a", clock) });
  clock.advanceTo(3001); // never beat
  await assert.rejects(transport.call(listRequest()), { code: Code.UNAVAILABLE, message: "no instance of catalogo is up" });
  handle.beat();
  assert.equal(servedBy(await transport.call(listRequest())), "a");
  registry.close();
});

test("the balancer skips instances the registry marks down", async () => {
  const { clock, registry, handles, get } = fleet(["a", "b", "c"]);
  const stops = handles.map((handle) => startHeartbeats({ clock, intervalMs: 1000, beat: handle.beat }));
  await runTo(clock, 1500);
  stops[1]!(); // b falls silent after its beat at 1000
  await runTo(clock, 4500);
  const transport = balanced({ service: SERVICE, registry });
  const before = get("b").calls.length;
  for (let i = 0; i < 300; i++) await transport.call(listRequest());
  assert.equal(get("b").calls.length, before);
  assert.equal(get("a").calls.length, 150);
  assert.equal(get("c").calls.length, 150);
  stops.forEach((stop) => stop());
  registry.close();
});

test("the balancer skips instances whose breaker is open, and tries them again half-open", async () => {
  const { clock, registry, get } = fleet(["a", "b", "c"]);
  const breakers = createBreakerSet({ clock, failureThreshold: 3, openMs: 1000 });
  let broken = true;
  get("b").fail = () => (broken ? rpc(Code.UNAVAILABLE) : undefined);
  const transport = balanced({ service: SERVICE, registry, breakers });
  const outcomes: string[] = [];
  const call = async () => {
    try {
      outcomes.push(servedBy(await transport.call(listRequest())));
    } catch (error) {
      outcomes.push(`x${String((error as { code: number }).code)}`);
    }
  };
  for (let i = 0; i < 30; i++) await call();
  assert.equal(get("b").calls.length, 3, "three failures open b's breaker");
  assert.equal(breakers.get("b").state, "open");
  assert.deepEqual(outcomes.slice(0, 9), ["a", "x14", "c", "a", "x14", "c", "a", "x14", "c"]);
  assert.ok(outcomes.slice(9).every((o) => o === "a" || o === "c"));

  broken = false;
  clock.advanceTo(1000);
  assert.equal(breakers.get("b").state, "half-open");
  for (let i = 0; i < 6; i++) await call();
  assert.equal(breakers.get("b").state, "closed");
  assert.equal(get("b").calls.length, 5, "one trial, then b is back in the rotation");

  // Every breaker open: UNAVAILABLE, without touching any instance.
  const all = createBreakerSet({ clock, failureThreshold: 1 });
  for (const id of ["a", "b", "c"]) all.get(id).tryAcquire()!.failure(rpc(Code.UNAVAILABLE));
  const guarded = balanced({ service: SERVICE, registry, breakers: all });
  await assert.rejects(guarded.call(listRequest()), {
    code: Code.UNAVAILABLE,
    message: "no instance of catalogo is available: circuit open for a, b, c",
  });
  registry.close();
});

test("a stream counts as outstanding until it ends, fails, or its consumer stops", async () => {
  const clock = newScheduler();
  const registry = createServiceRegistry({ clock });
  const service = new ConformanceService(clock);
  registry.register("conformance", {
    id: "only",
    transport: createInProcessTransport(createRouter().service(ConformanceDefinition, service), { clock }),
  });
  const transport = balanced({ service: "conformance", registry });
  const client = createClient(ConformanceDefinition, transport);

  const seen: number[] = [];
  for await (const { n } of client.count({ count: 3, tag: "full" })) {
    seen.push(n);
    assert.equal(transport.outstanding("only"), 1);
  }
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(transport.outstanding("only"), 0);

  for await (const { n } of client.count({ count: 5, tag: "early" })) if (n === 2) break;
  assert.equal(transport.outstanding("only"), 0);
  assert.equal(service.counts.get("early")?.finallyRan, true);

  await assert.rejects(async () => {
    for await (const _ of client.count({ count: 5, failAfter: 1, tag: "fails" }));
  });
  assert.equal(transport.outstanding("only"), 0);
  registry.close();
});

test("no call ever reaches an instance while the registry marks it down", async () => {
  const clock = newScheduler();
  const registry = createServiceRegistry({ clock, heartbeatIntervalMs: 500, missedBeats: 2, ttlMs: 5000 });
  const state = new Map<string, "up" | "down">();
  const downs: string[] = [];
  registry.onChange((event) => {
    state.set(event.id, event.state);
    if (event.state === "down") downs.push(event.id);
  });
  const ids = ["a", "b", "c"];
  const crashed = new Set<string>();
  const violations: string[] = [];
  const stops = new Map<string, () => void>();
  for (const id of ids) {
    const instance = fakeInstance(id, clock, { latencyMs: 3, fail: () => (crashed.has(id) ? rpc(Code.UNAVAILABLE, `${id} crashed`) : undefined) });
    const transport = {
      call: (request: Parameters<FakeInstance["call"]>[0]) => {
        if (state.get(id) !== "up") violations.push(`${clock.now()} ${id}`);
        return instance.call(request);
      },
    };
    const handle = registry.register(SERVICE, { id, transport });
    stops.set(id, startHeartbeats({ clock, intervalMs: 500, beat: () => (crashed.has(id) ? undefined : handle.beat()) }));
  }
  // b crashes for a while, then c; a crashed instance neither answers nor beats.
  const plan: Array<[number, string, boolean]> = [
    [2000, "b", true],
    [6000, "b", false],
    [7000, "c", true],
    [7100, "a", true],
    [9000, "a", false],
    [11_000, "c", false],
  ];
  for (const [at, id, down] of plan) clock.setTimer(at, () => (down ? crashed.add(id) : crashed.delete(id)));

  const transport = balanced({ service: SERVICE, registry, strategy: leastOutstanding() });
  const served = new Map<string, number>();
  let failed = 0;
  for (let t = 0; t < 13_000; t += 7) {
    clock.setTimer(t, () => {
      transport.call(listRequest({ deadline: clock.now() + 100 })).then(
        (response) => served.set(servedBy(response), (served.get(servedBy(response)) ?? 0) + 1),
        () => failed++,
      );
    });
  }
  await runTo(clock, 14_000);
  for (const stop of stops.values()) stop();
  registry.close();
  assert.deepEqual(violations, []);
  assert.deepEqual(downs, ["b", "c", "a"], "each crash was detected");
  assert.ok(failed > 0, "calls between a crash and its detection fail: that is what retry is for");
  assert.ok(ids.every((id) => (served.get(id) ?? 0) > 100), JSON.stringify([...served]));
});

test("a strategy sees only up instances, in id order, with their outstanding counts", async () => {
  const { registry, handles } = fleet(["c", "a", "b"]);
  const seen: string[][] = [];
  const spy: BalanceStrategy = {
    name: "spy",
    pick(candidates) {
      seen.push(candidates.map((c) => `${c.instance.id}:${c.outstanding}`));
      return candidates[0]!;
    },
  };
  const picks: string[] = [];
  const transport = balanced({ service: SERVICE, registry, strategy: spy, onPick: (pick) => picks.push(`${pick.id}/${pick.candidates}`) });
  await transport.call(listRequest());
  handles[1]!.deregister(); // a
  await transport.call(listRequest());
  assert.deepEqual(seen, [
    ["a:0", "b:0", "c:0"],
    ["b:0", "c:0"],
  ]);
  assert.deepEqual(picks, ["a/3", "b/2"]);
  registry.close();
});
