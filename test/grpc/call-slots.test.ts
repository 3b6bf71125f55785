import assert from "node:assert/strict";
import { test } from "node:test";
import { CallSlots } from "../../src/transports/grpc/call-slots.js";
import { Code } from "../../src/transports/codes.js";
import { RpcError } from "../../src/transports/rpc-error.js";
import { newScheduler } from "../middleware/helpers.js";

const live = () => new AbortController().signal;

test("at most `limit` calls hold a slot; the others are admitted in arrival order as slots come back", async () => {
  const slots = new CallSlots(2, newScheduler());
  const granted: string[] = [];
  const all = ["a", "b", "c", "d"].map((name) => slots.acquire(live(), undefined).then(() => granted.push(name)));
  await Promise.resolve();
  assert.deepEqual(granted, ["a", "b"]);
  assert.deepEqual([slots.busy, slots.waiting], [2, 2]);
  slots.release(10);
  slots.release(10);
  await Promise.all(all);
  assert.deepEqual(granted, ["a", "b", "c", "d"]);
  slots.release(10);
  slots.release(10);
  assert.deepEqual([slots.busy, slots.waiting], [0, 0]);
});

test("a waiting call with less time left than a call usually takes fails DEADLINE_EXCEEDED instead of being sent", async () => {
  const clock = newScheduler();
  const slots = new CallSlots(1, clock);
  await slots.acquire(live(), undefined);
  slots.release(1000); // typical: 100 ms (running average from 0)
  assert.equal(slots.typicalMs, 100);
  await slots.acquire(live(), undefined);
  const hopeless = slots.acquire(live(), clock.now() + 50);
  const roomy = slots.acquire(live(), clock.now() + 5000);
  const later = slots.acquire(live(), undefined);
  slots.release(100);
  await assert.rejects(hopeless, (error: RpcError) => error.code === Code.DEADLINE_EXCEEDED && /50 ms left/.test(error.message));
  await roomy;
  assert.deepEqual([slots.busy, slots.waiting], [1, 1], "the slot went to the next call with time enough");
  slots.release(100);
  await later;
});

test("a waiting call whose signal aborts leaves the queue with the signal's reason and takes no slot", async () => {
  const slots = new CallSlots(1, newScheduler());
  await slots.acquire(live(), undefined);
  const controller = new AbortController();
  const waiting = slots.acquire(controller.signal, undefined);
  const reason = new RpcError(Code.DEADLINE_EXCEEDED, "deadline exceeded");
  controller.abort(reason);
  await assert.rejects(waiting, reason);
  assert.deepEqual([slots.busy, slots.waiting], [1, 0]);
  slots.release(1);
  assert.equal(slots.busy, 0);
  await assert.rejects(slots.acquire(controller.signal, undefined), reason, "an aborted signal is refused at once");
});

test("close fails waiting and later calls with UNAVAILABLE; a bad limit is refused", async () => {
  const slots = new CallSlots(1, newScheduler());
  await slots.acquire(live(), undefined);
  const waiting = slots.acquire(live(), undefined);
  slots.close();
  await assert.rejects(waiting, { code: Code.UNAVAILABLE });
  await assert.rejects(slots.acquire(live(), undefined), { code: Code.UNAVAILABLE });
  assert.throws(() => new CallSlots(0, newScheduler()), /maxConcurrentCalls/);
  assert.throws(() => new CallSlots(1.5, newScheduler()), /maxConcurrentCalls/);
});
