import assert from "node:assert/strict";
import { test } from "node:test";
import type { Clock } from "../../src/core/clock.js";
import { isoNow } from "../../src/core/store/ledger.js";

test("isoNow formats virtual time exactly as Date#toISOString, fractions of a ms and second boundaries included", () => {
  let now = 0;
  const clock: Clock = { now: () => now, setTimer: () => () => {} };
  const instants = [0, 0.4, 999.9, 1000, -1, -999.5, -1000.2, 1735689600000.925, 1735689600999.5, 1735689601000, 253402300799999];
  for (let i = 0; i < 5000; i++) instants.push(1735689600000 + i * 7.37);
  for (const instant of instants) {
    now = instant;
    assert.equal(isoNow(clock), new Date(instant).toISOString(), `at ${instant}`);
  }
});
