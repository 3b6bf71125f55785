import assert from "node:assert/strict";
import { test } from "node:test";
import { applyInterceptors } from "../../src/transports/call.js";
import {
  circuitBreaker,
  createBreakerSet,
  createCircuitBreaker,
  type BreakerEvent,
  type CircuitBreaker,
} from "../../src/transports/middleware/circuit-breaker.js";
import { Code, fakeInstance, listRequest, newScheduler, rpc } from "./helpers.js";

const brief = (events: readonly BreakerEvent[]) => events.map((e) => `${e.at} ${e.from}->${e.to} ${e.reason}`);
const fail = (breaker: CircuitBreaker, code: Code = Code.UNAVAILABLE) => breaker.tryAcquire()!.failure(rpc(code));
const succeed = (breaker: CircuitBreaker) => breaker.tryAcquire()!.success();

test("closed -> open after consecutive failures -> half-open after openMs -> closed on a trial success", () => {
  const clock = newScheduler();
  const breaker = createCircuitBreaker({ clock, name: "a", failureThreshold: 3, openMs: 1000 });
  const events: BreakerEvent[] = [];
  breaker.onChange((event) => events.push(event));

  fail(breaker);
  fail(breaker);
  assert.equal(breaker.state, "closed");
  assert.equal(breaker.failures, 2);
  clock.advanceTo(100);
  fail(breaker);
  assert.equal(breaker.state, "open");
  assert.equal(breaker.canPass(), false);
  assert.equal(breaker.tryAcquire(), undefined);

  clock.advanceTo(1099);
  assert.equal(breaker.state, "open");
  clock.advanceTo(1100); // the breaker's timer fires
  assert.equal(breaker.state, "half-open");
  const trial = breaker.tryAcquire();
  assert.ok(trial);
  assert.equal(breaker.tryAcquire(), undefined, "halfOpenMax = 1: one trial at a time");
  clock.advanceTo(1150);
  trial.success();
  assert.equal(breaker.state, "closed");
  assert.equal(breaker.failures, 0);
  assert.deepEqual(brief(events), ["100 closed->open failures", "1100 open->half-open timeout", "1150 half-open->closed trial-succeeded"]);
});

test("a failed trial reopens the breaker for another openMs", () => {
  const clock = newScheduler();
  const breaker = createCircuitBreaker({ clock, name: "a", failureThreshold: 1, openMs: 500 });
  const events: BreakerEvent[] = [];
  breaker.onChange((event) => events.push(event));
  fail(breaker, Code.DEADLINE_EXCEEDED);
  clock.advanceTo(500);
  assert.equal(breaker.state, "half-open");
  clock.advanceTo(520);
  fail(breaker, Code.INTERNAL);
  assert.equal(breaker.state, "open");
  clock.advanceTo(1019);
  assert.equal(breaker.state, "open");
  clock.advanceTo(1020);
  assert.equal(breaker.state, "half-open");
  assert.deepEqual(brief(events), [
    "0 closed->open failures",
    "500 open->half-open timeout",
    "520 half-open->open trial-failed",
    "1020 open->half-open timeout",
  ]);
});

test("only watched codes count; a success or an answered error resets the run; cancels count for nothing", () => {
  const clock = newScheduler();
  const breaker = createCircuitBreaker({ clock, failureThreshold: 3 });
  fail(breaker);
  fail(breaker);
  fail(breaker, Code.INVALID_ARGUMENT); // the instance answered: it is alive
  assert.equal(breaker.failures, 0);
  fail(breaker, Code.UNKNOWN);
  fail(breaker, Code.NOT_FOUND);
  fail(breaker);
  breaker.tryAcquire()!.release();
  fail(breaker);
  assert.equal(breaker.state, "closed");
  assert.equal(breaker.failures, 2);
  succeed(breaker);
  assert.equal(breaker.failures, 0);

  const custom = createCircuitBreaker({ clock, failureThreshold: 1, failOn: [Code.RESOURCE_EXHAUSTED] });
  fail(custom, Code.UNAVAILABLE);
  assert.equal(custom.state, "closed");
  fail(custom, Code.RESOURCE_EXHAUSTED);
  assert.equal(custom.state, "open");
});

test("half-open lets halfOpenMax trials through; a permit settles once; late outcomes from an older state are ignored", () => {
  const clock = newScheduler();
  const breaker = createCircuitBreaker({ clock, failureThreshold: 2, openMs: 100, halfOpenMax: 2 });
  const early = breaker.tryAcquire()!; // let through while closed
  fail(breaker);
  fail(breaker);
  assert.equal(breaker.state, "open");
  early.failure(rpc(Code.UNAVAILABLE)); // from before the opening: no effect
  clock.advanceTo(100);
  const t1 = breaker.tryAcquire()!;
  const t2 = breaker.tryAcquire()!;
  assert.equal(breaker.tryAcquire(), undefined);
  t1.release(); // a cancelled trial frees its slot
  const t3 = breaker.tryAcquire()!;
  assert.ok(t3);
  t2.success();
  t2.failure(rpc(Code.UNAVAILABLE)); // second settlement ignored
  assert.equal(breaker.state, "closed");
  t3.failure(rpc(Code.UNAVAILABLE)); // a trial of the half-open epoch, now stale
  assert.equal(breaker.failures, 0);
  breaker.reset();
  assert.equal(breaker.state, "closed");
});

test("the circuitBreaker interceptor fails fast with UNAVAILABLE while open", async () => {
  const clock = newScheduler();
  const breaker = createCircuitBreaker({ clock, name: "catalogo-1", failureThreshold: 2, openMs: 1000 });
  const instance = fakeInstance("catalogo-1", clock, { fail: () => rpc(Code.UNAVAILABLE) });
  const call = applyInterceptors(instance.call, [circuitBreaker(breaker)]);
  for (let i = 0; i < 2; i++) await assert.rejects(call(listRequest()), { code: Code.UNAVAILABLE, message: "fake failure" });
  await assert.rejects(call(listRequest()), { code: Code.UNAVAILABLE, message: "circuit open: catalogo-1" });
  assert.equal(instance.calls.length, 2, "the open breaker kept the third call off the instance");
});

test("a breaker set makes one breaker per id and reports every transition", () => {
  const clock = newScheduler();
  const set = createBreakerSet({ clock, failureThreshold: 1 });
  const events: BreakerEvent[] = [];
  set.onChange((event) => events.push(event));
  assert.equal(set.get("b"), set.get("b"));
  fail(set.get("a"));
  assert.deepEqual(set.states(), [
    { id: "a", state: "open" },
    { id: "b", state: "closed" },
  ]);
  assert.deepEqual(
    events.map((e) => `${e.name} ${e.to}`),
    ["a open"],
  );
});
