/**
 * npm run bench:ab-commits -- --sim: the working tree's simulated runs against
 * a git revision's, on a tiny budget. With HEAD as the base both sides run the
 * same code, so their trace hashes must match (the check that tells whether a
 * speed change kept every run the same). No timed assertions.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCRIPT = ["--import", "tsx", "bench/ab-commits.ts"];

test("a simulated run compared with HEAD reports both sides' speed and the same trace hash", { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, [...SCRIPT, "--base", "HEAD", "--sim", "baseline", "--rounds", "2", "--orders", "20"], { cwd: ROOT });
  assert.match(stdout, /sim baseline \(2 rounds of one 20-order run per side\), working tree \/ HEAD:/);
  assert.match(stdout, /cpu {2}\d+\.\d+x \[min/);
  assert.match(stdout, /checkouts per wall second \(medians\): HEAD \d+, working tree \d+/);
  assert.match(stdout, /trace hash: the same on both sides/);
});

test("--processes runs each side in a fresh process and still compares the trace hashes", { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, [...SCRIPT, "--base", "HEAD", "--sim", "baseline", "--rounds", "1", "--orders", "20", "--processes"], { cwd: ROOT });
  assert.match(stdout, /sim baseline \(1 rounds of one 20-order run per side, each in its own process\), working tree \/ HEAD:/);
  assert.match(stdout, /cpu {2}\d+\.\d+x \[min/);
  assert.match(stdout, /trace hash: the same on both sides/);
});

test("an unknown scenario is refused with the list of scenarios, before anything runs", async () => {
  const failed = await run(process.execPath, [...SCRIPT, "--sim", "nope"], { cwd: ROOT }).then(
    () => assert.fail("expected exit status 2"),
    (error: { code: number; stderr: string }) => error,
  );
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, /--sim: no scenario "nope"; one of baseline, .*chaos/);
});
