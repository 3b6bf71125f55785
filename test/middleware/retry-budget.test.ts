import assert from "node:assert/strict";
import { test } from "node:test";
import { createRandom } from "../../src/core/random.js";
import { applyInterceptors } from "../../src/transports/call.js";
import { retry } from "../../src/transports/middleware/retry.js";
import { RetryBudget } from "../../src/transports/middleware/retry-budget.js";
import { Code, fakeInstance, listRequest, newScheduler, rpc, runUntilSettled } from "./helpers.js";

test("the bucket starts full, a failure takes a token, a success puts tokenRatio back, capped at maxTokens", () => {
  const budget = new RetryBudget({ maxTokens: 4, tokenRatio: 0.1 });
  assert.equal(budget.tokens, 4);
  budget.recordSuccess();
  assert.equal(budget.tokens, 4, "never above maxTokens");
  budget.recordFailure();
  budget.recordFailure();
  assert.equal(budget.tokens, 2);
  assert.equal(budget.allowsRetry, false, "at half, no retry");
  for (let i = 0; i < 10; i++) budget.recordSuccess();
  assert.equal(budget.tokens, 3, "ten successes of 0.1 make exactly one token");
  assert.equal(budget.allowsRetry, true);
  for (let i = 0; i < 10; i++) budget.recordFailure();
  assert.equal(budget.tokens, 0, "never below zero");
});

test("bad budget options are refused with a message naming them", () => {
  assert.throws(() => new RetryBudget({ maxTokens: 0 }), /maxTokens/);
  assert.throws(() => new RetryBudget({ maxTokens: 2000 }), /maxTokens/);
  assert.throws(() => new RetryBudget({ tokenRatio: 0 }), /tokenRatio/);
});

test("with a budget, a failing server gets retries only until half the bucket is spent; without, every call retries", async () => {
  const attemptsFor = async (budget: RetryBudget | undefined) => {
    const clock = newScheduler();
    const server = fakeInstance("down", clock, { fail: () => rpc(Code.UNAVAILABLE) });
    let retries = 0;
    const call = applyInterceptors(server.call, [retry({ clock, random: createRandom(1), maxAttempts: 3, ...(budget ? { budget } : {}), onRetry: () => retries++ })]);
    for (let i = 0; i < 5; i++) await assert.rejects(runUntilSettled(clock, call(listRequest())), { code: Code.UNAVAILABLE });
    return { attempts: server.calls.length, retries };
  };
  assert.deepEqual(await attemptsFor(undefined), { attempts: 15, retries: 10 });
  // A retry needs more than 5 of 10 tokens: call 1 fails 3 times (10 -> 7, 2 retries), call 2 twice
  // (7 -> 5, 1 retry), calls 3-5 once each (5 -> 2, no retry).
  const budget = new RetryBudget({ maxTokens: 10 });
  assert.deepEqual(await attemptsFor(budget), { attempts: 3 + 2 + 1 + 1 + 1, retries: 3 });
  assert.equal(budget.tokens, 2);
});

test("successes refill the budget, so retries resume once the server answers again", async () => {
  const clock = newScheduler();
  let failing = true;
  const server = fakeInstance("flaky", clock, { fail: () => (failing ? rpc(Code.UNAVAILABLE) : undefined) });
  const budget = new RetryBudget({ maxTokens: 4, tokenRatio: 0.5 });
  let retries = 0;
  const call = applyInterceptors(server.call, [retry({ clock, random: createRandom(2), maxAttempts: 3, budget, onRetry: () => retries++ })]);
  const failingCall = () => assert.rejects(runUntilSettled(clock, call(listRequest())), { code: Code.UNAVAILABLE });
  await failingCall(); // 4 -> 3 (retried), 3 -> 2 (at half: not retried)
  assert.equal(retries, 1);
  await failingCall(); // 2 -> 1, not retried
  assert.equal(retries, 1);
  failing = false;
  for (let i = 0; i < 5; i++) await runUntilSettled(clock, call(listRequest()));
  assert.equal(budget.tokens, 3.5);
  failing = true;
  await failingCall(); // 3.5 -> 2.5 (retried), 2.5 -> 1.5 (not retried)
  assert.equal(retries, 2);
  assert.equal(budget.tokens, 1.5);
});

test("codes that are not retried neither take tokens nor get retries", async () => {
  const clock = newScheduler();
  const server = fakeInstance("bad", clock, { fail: () => rpc(Code.INVALID_ARGUMENT) });
  const budget = new RetryBudget({ maxTokens: 3 });
  const call = applyInterceptors(server.call, [retry({ clock, random: createRandom(3), budget })]);
  for (let i = 0; i < 4; i++) await assert.rejects(runUntilSettled(clock, call(listRequest())), { code: Code.INVALID_ARGUMENT });
  assert.equal(budget.tokens, 3);
  assert.equal(server.calls.length, 4);
});
