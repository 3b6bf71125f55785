import assert from "node:assert/strict";
import { test } from "node:test";
import { startHeartbeats } from "../../src/transports/middleware/heartbeat.js";
import { createServiceRegistry, type RegistryEvent } from "../../src/transports/middleware/registry.js";
import { fakeInstance, newScheduler, runTo } from "./helpers.js";

const brief = (events: readonly RegistryEvent[]) => events.map((e) => `${e.at} ${e.id} ${e.state} ${e.reason}`);

test("an instance that misses its beats goes down at the next check, and comes back up when beats resume", async () => {
  const clock = newScheduler();
  const registry = createServiceRegistry({ clock, ttlMs: 3000, missedBeats: 3, heartbeatIntervalMs: 1000 });
  const events: RegistryEvent[] = [];
  registry.onChange((event) => events.push(event));
  const a = registry.register("catalogo", { id: "a", address: "10.0.0.1:50051", transport: fakeInstance("a", clock) });
  const b = registry.register("catalogo", { id: "b", transport: fakeInstance("b", clock) });
  const stopB = startHeartbeats({ clock, intervalMs: 1000, beat: b.beat });
  let stopA = startHeartbeats({ clock, intervalMs: 1000, beat: a.beat });

  await runTo(clock, 2500);
  stopA(); // last beat at 2000
  await runTo(clock, 5000);
  assert.deepEqual(
    registry.resolve("catalogo").map((i) => i.id),
    ["a", "b"],
    "3000 ms of silence is still within 3 beats",
  );
  await runTo(clock, 6000);
  assert.deepEqual(
    registry.resolve("catalogo").map((i) => i.id),
    ["b"],
  );
  const down = registry.instances("catalogo").find((i) => i.id === "a");
  assert.equal(down?.state, "down");
  assert.equal(down?.lastBeatAt, 2000);
  assert.equal(down?.address, "10.0.0.1:50051");

  await runTo(clock, 8000);
  stopA = startHeartbeats({ clock, intervalMs: 1000, beat: a.beat });
  assert.deepEqual(
    registry.resolve("catalogo").map((i) => i.id),
    ["a", "b"],
  );
  await runTo(clock, 12_000);
  assert.deepEqual(brief(events), ["0 a up registered", "0 b up registered", "6000 a down expired", "8000 a up beat"]);
  stopA();
  stopB();
  registry.close();
});

test("a query sees a silent instance as down before the periodic check does", () => {
  const clock = newScheduler();
  const registry = createServiceRegistry({ clock });
  const events: RegistryEvent[] = [];
  registry.onChange((event) => events.push(event));
  registry.register("catalogo", { id: "a", transport: fakeInstance("a", clock) });
  clock.advanceTo(2999); // timer checks at 1000 and 2000 saw it up
  assert.equal(registry.resolve("catalogo").length, 1);
  clock.advanceTo(3000); // the check at 3000: exactly 3000 ms of silence, still up
  assert.equal(registry.resolve("catalogo").length, 1);
  // The next check is at 4000, but a query at 3001 already knows.
  clock.advanceTo(3001);
  assert.deepEqual(registry.resolve("catalogo"), []);
  assert.deepEqual(brief(events), ["0 a up registered", "3001 a down expired"]);
  registry.close();
});

test("liveness is the shorter of the TTL and missedBeats x interval", () => {
  const clock = newScheduler();
  const registry = createServiceRegistry({ clock, ttlMs: 1500, missedBeats: 3, heartbeatIntervalMs: 1000 });
  registry.register("catalogo", { id: "a", transport: fakeInstance("a", clock) });
  clock.advanceTo(1500);
  assert.equal(registry.resolve("catalogo").length, 1);
  clock.advanceTo(1501);
  assert.equal(registry.resolve("catalogo").length, 0);
  registry.close();
});

test("resolve lists up instances in id order; deregister removes, and stale handles do nothing", () => {
  const clock = newScheduler();
  const registry = createServiceRegistry({ clock });
  const events: RegistryEvent[] = [];
  registry.onChange((event) => events.push(event));
  for (const id of ["c", "a", "b"]) registry.register("catalogo", { id, transport: fakeInstance(id, clock) });
  const old = registry.register("pedidos", { id: "p1", transport: fakeInstance("p1", clock) });
  assert.deepEqual(
    registry.resolve("catalogo").map((i) => i.id),
    ["a", "b", "c"],
  );
  assert.deepEqual(registry.services(), ["catalogo", "pedidos"]);

  // Re-registering an id replaces it; the old handle is stale.
  clock.advanceTo(500);
  const fresh = registry.register("pedidos", { id: "p1", transport: fakeInstance("p1", clock) });
  clock.advanceTo(2000);
  old.beat();
  assert.equal(registry.instances("pedidos")[0]?.lastBeatAt, 500);
  old.deregister();
  assert.equal(registry.resolve("pedidos").length, 1);
  fresh.deregister();
  fresh.deregister();
  assert.deepEqual(registry.resolve("pedidos"), []);
  assert.deepEqual(registry.services(), ["catalogo"]);
  assert.ok(brief(events).includes("2000 p1 down deregistered"));
  assert.equal(events.filter((e) => e.reason === "deregistered").length, 1);
  registry.close();
});

test("the registry's timer runs only while something is registered", () => {
  const clock = newScheduler();
  const registry = createServiceRegistry({ clock });
  assert.equal(clock.nextAt(), undefined);
  const handle = registry.register("catalogo", { id: "a", transport: fakeInstance("a", clock) });
  assert.equal(clock.nextAt(), 1000);
  handle.deregister();
  assert.equal(clock.nextAt(), undefined);
  registry.register("catalogo", { id: "a", transport: fakeInstance("a", clock) });
  registry.close();
  assert.equal(clock.nextAt(), undefined);
});

test("heartbeats beat at a fixed rate on the clock, survive failed beats, and stop", async () => {
  const clock = newScheduler();
  const beats: number[] = [];
  const errors: unknown[] = [];
  const stop = startHeartbeats({
    clock,
    intervalMs: 1000,
    onError: (error) => errors.push(error),
    beat: async () => {
      beats.push(clock.now());
      if (beats.length % 3 === 0) throw new Error("link down"); // an async beat over a lossy link
    },
  });
  await runTo(clock, 5500);
  stop();
  await runTo(clock, 10_000);
  assert.deepEqual(beats, [0, 1000, 2000, 3000, 4000, 5000]);
  assert.equal(errors.length, 2);
  assert.equal(clock.nextAt(), undefined);

  const late: number[] = [];
  const stopLate = startHeartbeats({ clock, intervalMs: 250, immediate: false, beat: () => void late.push(clock.now()) });
  await runTo(clock, 10_600);
  stopLate();
  assert.deepEqual(late, [10_250, 10_500]);
  assert.throws(() => startHeartbeats({ clock, intervalMs: 0, beat: () => {} }), RangeError);
});
