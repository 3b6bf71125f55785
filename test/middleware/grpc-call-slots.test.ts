import assert from "node:assert/strict";
import { test } from "node:test";
import { CallSlots } from "../../src/transports/grpc/call-slots.js";
import { Code } from "../../src/transports/codes.js";
import { RpcError } from "../../src/transports/rpc-error.js";

const live = () => new AbortController().signal;

/** Acquires `names.length` slots in order and records the order they are granted in. */
function queue(slots: CallSlots, names: string[], granted: string[]) {
  return names.map((name) => slots.acquire(live()).then(() => granted.push(name)));
}

test("at most `limit` calls hold a slot; while few wait, they are admitted in arrival order", async () => {
  const slots = new CallSlots(2);
  const granted: string[] = [];
  const all = queue(slots, ["a", "b", "c", "d"], granted);
  await Promise.resolve();
  assert.deepEqual(granted, ["a", "b"]);
  assert.deepEqual([slots.busy, slots.waiting], [2, 2]);
  slots.release();
  slots.release();
  await Promise.all(all);
  assert.deepEqual(granted, ["a", "b", "c", "d"]);
  slots.release();
  slots.release();
  assert.deepEqual([slots.busy, slots.waiting], [0, 0]);
});

test("past `limit` waiting, the newest is admitted first (adaptive LIFO)", async () => {
  const slots = new CallSlots(1);
  const granted: string[] = [];
  const all = queue(slots, ["a", "b", "c", "d"], granted);
  await Promise.resolve();
  slots.release(); // 3 wait > 1: the newest, d
  slots.release(); // 2 wait > 1: c
  slots.release(); // 1 waits: b
  await Promise.all(all);
  assert.deepEqual(granted, ["a", "d", "c", "b"]);
});

test("a waiting call whose signal aborts leaves the queue with the signal's reason and takes no slot", async () => {
  const slots = new CallSlots(1);
  await slots.acquire(live());
  const controller = new AbortController();
  const waiting = slots.acquire(controller.signal);
  const reason = new RpcError(Code.DEADLINE_EXCEEDED, "deadline exceeded");
  controller.abort(reason);
  await assert.rejects(waiting, reason);
  assert.deepEqual([slots.busy, slots.waiting], [1, 0]);
  slots.release();
  assert.equal(slots.busy, 0);
  await assert.rejects(slots.acquire(controller.signal), reason, "an aborted signal is refused at once");
});

test("close fails waiting and later calls with UNAVAILABLE; a bad limit is refused", async () => {
  const slots = new CallSlots(1);
  await slots.acquire(live());
  const waiting = slots.acquire(live());
  slots.close();
  await assert.rejects(waiting, { code: Code.UNAVAILABLE });
  await assert.rejects(slots.acquire(live()), { code: Code.UNAVAILABLE });
  assert.throws(() => new CallSlots(0), /maxConcurrentCalls/);
  assert.throws(() => new CallSlots(1.5), /maxConcurrentCalls/);
});
