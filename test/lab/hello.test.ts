import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Clock } from "../../src/core/clock.js";
import { ServiceADefinition } from "../../src/gen/lab/v1/greeter.js";
import { ServiceBDefinition, type NumberReply } from "../../src/gen/lab/v1/numbers.js";
import { GreeterService } from "../../src/lab/hello/greeter-service.js";
import { NumbersService, type StreamSummary } from "../../src/lab/hello/numbers-service.js";
import { Code } from "../../src/transports/index.js";
import { systemClock } from "../../src/transports/system-clock.js";
import { InstantClock, inProcessClient, rejectsWith, waitFor } from "./helpers.js";

async function collect(stream: AsyncIterable<NumberReply>): Promise<number[]> {
  const values: number[] = [];
  for await (const { value } of stream) values.push(value);
  return values;
}

describe("ServiceA.SayHello (seed 001)", () => {
  const a = inProcessClient(ServiceADefinition, new GreeterService());

  it("answers the seed's exact text", async () => {
    assert.deepEqual(await a.sayHello({ name: "Edilberto" }), { message: "Olá, Edilberto! [A]" });
    assert.deepEqual(await a.sayHello({ name: "pspd" }), { message: "Olá, pspd! [A]" });
    assert.deepEqual(await a.sayHello({ name: "São João 🍍" }), { message: "Olá, São João 🍍! [A]" });
  });

  it("greets the seed's default when the name is empty", async () => {
    assert.deepEqual(await a.sayHello({}), { message: "Olá, world! [A]" });
  });

  it("refuses overlong names and control characters, naming the field", async () => {
    assert.deepEqual(await a.sayHello({ name: "x".repeat(200) }), { message: `Olá, ${"x".repeat(200)}! [A]` });
    await rejectsWith(a.sayHello({ name: "x".repeat(201) }), Code.INVALID_ARGUMENT, /^name must be at most 200 characters, got 201/);
    await rejectsWith(a.sayHello({ name: "Ana\nBob" }), Code.INVALID_ARGUMENT, /^name must not contain control characters/);
  });
});

describe("ServiceB.StreamNumbers (seed 001)", () => {
  function setup<C extends Clock>(clock: C) {
    const ends: StreamSummary[] = [];
    const b = inProcessClient(ServiceBDefinition, new NumbersService({ clock, onStreamEnd: (s) => ends.push(s) }));
    return { b, ends, clock };
  }

  it("streams 1..count in order, with delay_ms between numbers only, then completes", async () => {
    const { b, ends, clock } = setup(new InstantClock());
    assert.deepEqual(await collect(b.streamNumbers({ count: 10, delayMs: 5 })), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(clock.delays, Array(9).fill(5));
    assert.deepEqual(ends, [{ count: 10, delayMs: 5, sent: 10, outcome: "completed" }]);
  });

  it("streams without waiting when delay_ms is 0, and a single number when count is 1", async () => {
    const { b, clock } = setup(new InstantClock());
    assert.deepEqual(await collect(b.streamNumbers({ count: 3, delayMs: 0 })), [1, 2, 3]);
    assert.deepEqual(await collect(b.streamNumbers({ count: 1, delayMs: 10_000 })), [1]);
    assert.deepEqual(clock.delays, []);
    assert.equal((await collect(b.streamNumbers({ count: 1000, delayMs: 0 }))).length, 1000);
  });

  it("really waits on a real clock", async () => {
    const { b } = setup(systemClock);
    const start = performance.now();
    assert.deepEqual(await collect(b.streamNumbers({ count: 4, delayMs: 20 })), [1, 2, 3, 4]);
    assert.ok(performance.now() - start >= 55, "3 delays of 20 ms");
  });

  it("stops the handler when the consumer breaks after 3", async () => {
    const { b, ends } = setup(new InstantClock());
    const seen: number[] = [];
    for await (const { value } of b.streamNumbers({ count: 1000, delayMs: 1 })) {
      seen.push(value);
      if (value === 3) break;
    }
    assert.deepEqual(seen, [1, 2, 3]);
    await waitFor(() => ends.length === 1, "the handler to end");
    assert.deepEqual(ends, [{ count: 1000, delayMs: 1, sent: 3, outcome: "stopped" }]);
  });

  it("stops in the middle of a delay when the call is cancelled", async () => {
    const { b, ends } = setup(systemClock);
    const controller = new AbortController();
    const seen: number[] = [];
    const start = performance.now();
    const run = (async () => {
      for await (const { value } of b.streamNumbers({ count: 5, delayMs: 10_000 }, { signal: controller.signal })) {
        seen.push(value);
        setTimeout(() => controller.abort(), 20);
      }
    })();
    await rejectsWith(run, Code.CANCELLED);
    assert.ok(performance.now() - start < 2000, "did not wait out the 10 s delay");
    assert.deepEqual(seen, [1]);
    await waitFor(() => ends.length === 1, "the handler to end");
    assert.deepEqual(ends, [{ count: 5, delayMs: 10_000, sent: 1, outcome: "cancelled" }]);
  });

  it("ends with DEADLINE_EXCEEDED when the deadline passes mid-stream", async () => {
    const { b, ends } = setup(systemClock);
    const seen: number[] = [];
    const run = (async () => {
      for await (const { value } of b.streamNumbers({ count: 100, delayMs: 30 }, { deadline: Date.now() + 100 })) seen.push(value);
    })();
    await rejectsWith(run, Code.DEADLINE_EXCEEDED);
    assert.ok(seen.length >= 1 && seen.length < 100, `got ${seen.length} numbers`);
    assert.deepEqual(seen, seen.map((_, i) => i + 1));
    await waitFor(() => ends.length === 1, "the handler to end");
    assert.equal(ends[0]!.outcome, "cancelled");
  });

  it("refuses counts and delays outside their limits with INVALID_ARGUMENT naming the field", async () => {
    const { b, ends } = setup(new InstantClock());
    const cases: Array<[{ count?: number; delayMs?: number }, RegExp]> = [
      [{ count: 0, delayMs: 0 }, /^count must be an integer in 1\.\.1000, got 0/],
      [{ delayMs: 5 }, /^count must be/],
      [{ count: -1 }, /^count must be/],
      [{ count: 1001 }, /^count must be an integer in 1\.\.1000, got 1001/],
      [{ count: 5, delayMs: -1 }, /^delay_ms must be an integer in 0\.\.10000, got -1/],
      [{ count: 5, delayMs: 10_001 }, /^delay_ms must be/],
    ];
    for (const [request, message] of cases) await rejectsWith(collect(b.streamNumbers(request)), Code.INVALID_ARGUMENT, message);
    assert.deepEqual(ends, [], "no stream started");
  });
});
