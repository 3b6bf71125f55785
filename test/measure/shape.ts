/** Well-formedness checks shared by the measuring tests. */
import assert from "node:assert/strict";
import type { LatencySummary } from "../../src/load/histogram.js";
import type { StepResult } from "../../src/load/step.js";

/** Percentiles ordered, none negative, mean within [0, max]. */
export function assertOrdered(summary: LatencySummary, what: string): void {
  const { p50, p90, p99, p999, max, mean } = summary;
  assert.ok(0 <= p50 && p50 <= p90 && p90 <= p99 && p99 <= p999 && p999 <= max, `${what}: percentiles out of order ${JSON.stringify(summary)}`);
  assert.ok(mean >= 0 && mean <= max, `${what}: mean ${mean} outside [0, ${max}]`);
}

/** Counts add up: iterations = ok + errors, outcomes sum to ok, the histogram holds every iteration. */
export function assertStepAddsUp(step: StepResult, what: string): void {
  const errors = Object.values(step.errors).reduce((s, n) => s + n, 0);
  const outcomes = Object.values(step.outcomes).reduce((s, n) => s + n, 0);
  assert.ok(step.iterations > 0, `${what}: no iteration ran`);
  assert.equal(step.ok + errors, step.iterations, `${what}: ok + errors`);
  assert.equal(outcomes, step.ok, `${what}: outcomes`);
  assert.equal(step.latencyMs.count, step.iterations, `${what}: histogram count`);
  assert.ok(Math.abs(step.errorRate - errors / step.iterations) < 1e-12, `${what}: error rate`);
  assert.deepEqual(Object.keys(step.errorSamples).sort(), Object.keys(step.errors).sort(), `${what}: one sample per error code`);
  assertOrdered(step.latencyMs, what);
  for (const [path, summary] of Object.entries(step.stepsMs)) assertOrdered(summary, `${what} ${path}`);
  assert.ok(step.durationMs > 0 && step.throughput >= 0 && step.resources.cpuMs >= 0 && step.resources.maxRssMiB > 0, `${what}: duration and resources`);
}
