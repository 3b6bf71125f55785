/**
 * npm run bench and npm run report on a tiny budget: the bench rows are
 * well-formed with a ratio for every project transport, and the report built
 * from real (small) bench, load and crash runs renders in headless Chromium
 * with no console error, no request anywhere, and the verdict on the page.
 * Skipped without Chromium, failed under CI without it. No timed assertions.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import type { BenchReport } from "../../bench/run.js";
import { microbenchmarks } from "../../bench/micro.js";
import { benchTransports, IN_FLIGHT, STREAM_COUNT } from "../../bench/transport-bench.js";
import { runLoad, type LoadReport } from "../../src/load/run-load.js";
import { buildReport, classify } from "../../src/report/build-report.js";
import { runCrashComparison, type CrashReport } from "../../src/report/crash-runs.js";
import { renderHtml, renderMarkdown } from "../../src/report/render.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const present = existsSync(CHROMIUM);
if (!present && process.env.CI) throw new Error(`${CHROMIUM} is missing; CI must install Debian's chromium (.ci/run)`);
const T = { timeout: 60_000 };

describe("npm run bench and npm run report", () => {
  let bench: BenchReport;
  const loads: LoadReport[] = [];
  let crash: CrashReport;

  before(async () => {
    const transports = await benchTransports({ rounds: 1, timeMs: 20, concurrentCalls: 40 });
    const micro = await microbenchmarks(5);
    const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "" };
    bench = { kind: "bench", quick: true, machine, streamCount: STREAM_COUNT, inFlight: IN_FLIGHT, transports, micro, runs: [] };
    for (const transport of ["grpc", "http", "inproc"] as const) {
      loads.push(await runLoad({ workload: "hello", transport, vus: [2, 4], stepDurationMs: 1000, budgetMs: 20_000, maxInFlight: 100, timeoutMs: 5000, warmupMs: 0, seed: 1 }));
    }
    crash = await runCrashComparison(12, 20);
  }, T);

  it("bench: one row per transport and call kind, raw baselines without a ratio, project transports with one", () => {
    assert.equal(bench.transports.length, 16);
    for (const row of bench.transports) {
      assert.ok(Number.isFinite(row.sequentialUs) && row.sequentialUs > 0 && row.concurrentUs > 0, row.transport);
      assert.equal(row.baseline === null, row.sequentialRatio === null, row.transport);
      if (row.baseline) assert.ok(bench.transports.some((b) => b.transport === row.baseline && b.call === row.call && b.baseline === null));
    }
    assert.deepEqual([...new Set(bench.micro.map((m) => m.group))].sort(), ["codec", "sql"]);
    // proto3 JSON is larger than protobuf for every message measured.
    for (const m of bench.micro.filter((x) => x.name.startsWith("protobuf encode"))) {
      const json = bench.micro.find((x) => x.name === m.name.replace("protobuf", "proto3 JSON"))!;
      assert.ok(json.bytes! > m.bytes!, m.name);
    }
  });

  it("crash runs: every architecture holds the invariants and every order ends", () => {
    assert.deepEqual(crash.runs.map((r) => r.transport), ["sim", "grpc", "http"]);
    for (const run of crash.runs) {
      assert.ok(run.invariantsOk, run.transport);
      assert.equal(run.orders.placed, 12);
      assert.equal(run.orders.pending, 0);
    }
  });

  it("report: inputs recognised by kind, a verdict comparing gRPC and REST, and the same tables in Markdown", () => {
    assert.throws(() => classify({ kind: "other" }, "x.json"), /x.json is not a bench, load or crash report/);
    const content = buildReport({ bench, loads, crash }, "test");
    assert.match(content.verdict.headline, /gRPC|REST/);
    assert.ok(content.verdict.paragraphs.some((p) => p.startsWith("Why:")));
    const markdown = renderMarkdown(content);
    assert.match(markdown, /## Is gRPC faster than REST here\?/);
    assert.match(markdown, /\| hello \| grpc \| 4 VUs \|/);
  });

  describe("the HTML page in Chromium", { skip: present ? false : `${CHROMIUM} is not installed` }, () => {
    let browser: Browser;
    before(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      });
    });
    after(async () => {
      await browser?.close();
    });

    it("renders every chart with no console error and fetches nothing; screenshot saved", T, async () => {
      const html = renderHtml(buildReport({ bench, loads, crash }, "test"));
      await mkdir(ARTIFACTS, { recursive: true });
      const file = `${ARTIFACTS}measure-report.html`;
      await writeFile(file, html);
      const page = await browser.newPage({ viewport: { width: 1320, height: 900 } });
      const problems: string[] = [];
      page.on("console", (m) => void (m.type() === "error" && problems.push(m.text())));
      page.on("pageerror", (e) => problems.push(String(e)));
      page.on("request", (r) => void (r.url() !== `file://${file}` && problems.push(`request: ${r.url()}`)));
      await page.goto(`file://${file}`);
      const charts = await page.locator("figure svg").count();
      // hello: latency, throughput, errors; bench: unary and stream; crash: outcome and latency.
      assert.equal(charts, 7);
      assert.ok((await page.locator("svg path[stroke]").count()) >= 3, "lines drawn");
      assert.match(await page.locator("#verdict").innerText(), /Is gRPC faster than REST here\?/);
      await page.screenshot({ path: `${ARTIFACTS}measure-report.png`, fullPage: true });
      assert.deepEqual(problems, []);
      await page.close();
    });
  });
});
