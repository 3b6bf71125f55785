import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Scheduler } from "../../src/sim/scheduler.js";

/** One step of a random script: add a timer, cancel the timer made at some earlier step, or move time on. */
type Step = { readonly kind: "set"; readonly ms: number } | { readonly kind: "cancel"; readonly pick: number } | { readonly kind: "advance"; readonly ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), ms: fc.integer({ min: -5, max: 50 }) }),
  fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 30 }) }),
);

test("timers fire in (time, order of setting) order, cancelled ones never, whatever the order of cancels", () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
      const scheduler = new Scheduler({ startMs: 0 });
      const fired: number[] = [];
      const cancels: (() => void)[] = [];
      // The reference: every timer with its due time, in order of setting; cancelled ones flagged.
      const model: { at: number; id: number; cancelled: boolean; fired: boolean }[] = [];
      const expected: number[] = [];
      let now = 0;
      const runModelTo = (ms: number) => {
        const due = model.filter((t) => !t.cancelled && !t.fired && t.at <= ms).sort((a, b) => a.at - b.at || a.id - b.id);
        for (const t of due) {
          t.fired = true;
          expected.push(t.id);
        }
        now = ms;
      };
      for (const s of steps) {
        if (s.kind === "set") {
          const id = model.length;
          model.push({ at: now + Math.max(0, s.ms), id, cancelled: false, fired: false });
          cancels.push(scheduler.setTimer(s.ms, () => fired.push(id)));
        } else if (s.kind === "cancel" && model.length > 0) {
          const t = model[s.pick % model.length]!;
          if (!t.fired) t.cancelled = true;
          cancels[t.id]!();
        } else if (s.kind === "advance") {
          scheduler.advanceTo(now + s.ms);
          runModelTo(now + s.ms);
        }
      }
      scheduler.advanceTo(now + 1000);
      runModelTo(now + 1000);
      assert.deepEqual(fired, expected);
      assert.equal(scheduler.pending, 0);
      assert.equal(scheduler.nextAt(), undefined);
    }),
    { numRuns: 300 },
  );
});

test("a cancelled timer leaves the queue at once, and cancelling twice or after it ran changes nothing", () => {
  const scheduler = new Scheduler({ startMs: 0 });
  const fired: string[] = [];
  const cancelA = scheduler.setTimer(10, () => fired.push("a"));
  scheduler.setTimer(20, () => fired.push("b"));
  const cancelC = scheduler.setTimer(5, () => fired.push("c"));
  assert.equal(scheduler.pending, 3);
  cancelA();
  cancelA();
  assert.equal(scheduler.pending, 2);
  assert.equal(scheduler.nextAt(), 5);
  scheduler.advanceTo(30);
  cancelC();
  assert.deepEqual(fired, ["c", "b"]);
  assert.equal(scheduler.pending, 0);
});
