/**
 * npm run load on a tiny budget: every transport and both workloads run a
 * one-second step or two and stop by themselves, and what they report adds up.
 * Nothing here asserts a latency or a rate (the machine is shared and noisy).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runLoad, type LoadOptions } from "../../src/load/run-load.js";
import { assertStepAddsUp } from "./shape.js";

const T = { timeout: 30_000 };
const TINY: Omit<LoadOptions, "workload" | "transport"> = { vus: [3], stepDurationMs: 1000, budgetMs: 20_000, maxInFlight: 100, timeoutMs: 5000, warmupMs: 0, seed: 1 };

describe("npm run load", () => {
  for (const transport of ["inproc", "grpc", "http"] as const) {
    it(`drives the checkout over ${transport}: every order terminal, counts adding up, per-step latencies of the services`, T, async () => {
      const report = await runLoad({ ...TINY, workload: "checkout", transport });
      assert.equal(report.kind, "load");
      assert.equal(report.steps.length, 1);
      const [step] = report.steps;
      assertStepAddsUp(step!, `checkout/${transport}`);
      assert.equal(step!.vus, 3);
      for (const status of Object.keys(step!.outcomes)) assert.ok(["enviado", "cancelado"].includes(status), `order ended ${status}`);
      if (transport !== "inproc") assert.ok(step!.stepsMs["/ecommerce.v1.Pagamentos/ProcessarPagamento"], "Pagamentos timed by its caller");
      assert.equal(report.unhandledRejections.count, 0, String(report.unhandledRejections.first));
    });
  }

  it("runs seed 001's hello + stream in a closed then an open loop, latency from the intended send time", T, async () => {
    const report = await runLoad({ ...TINY, workload: "hello", transport: "http", vus: [2], rate: 40 });
    assert.deepEqual(report.steps.map((s) => s.mode), ["closed", "open"]);
    for (const step of report.steps) assertStepAddsUp(step, `hello/${step.mode}`);
    const open = report.steps[1]!;
    assert.equal(open.rate, 40);
    assert.equal(open.iterations, 40, "rate × duration iterations sent");
    // The stream alone waits 9 × 5 ms between its numbers.
    assert.ok(open.stepsMs["/lab.v1.ServiceB/StreamNumbers"]!.p50 >= 45);
  });

  it("skips the steps past its time budget instead of running over it", T, async () => {
    const report = await runLoad({ ...TINY, workload: "hello", transport: "inproc", vus: [1, 2, 3], budgetMs: 1500 });
    assert.equal(report.steps.length, 1);
    assert.deepEqual(report.skipped, ["2 VUs", "3 VUs"]);
  });

  it("refuses a bad flag with the usage and exit status 2", T, () => {
    const cli = fileURLToPath(new URL("../../src/cli/load.ts", import.meta.url));
    const result = spawnSync(process.execPath, ["--import", "tsx", cli, "--transport", "carrier-pigeon"], { encoding: "utf8" });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--transport must be one of grpc, http, inproc/);
  });
});
