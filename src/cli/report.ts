/**
 * `npm run report`: turns bench, load and crash JSON files into one
 * self-contained HTML page (inline SVG charts) and a Markdown summary.
 * Without a crash file it runs the crash-pagamentos comparison itself
 * (a few seconds) unless `--no-crash`.
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "../io/write-file-atomic.js";
import type { LoadReport } from "../load/run-load.js";
import { buildReport, classify, type ReportInputs } from "../report/build-report.js";
import { runCrashComparison, type CrashReport } from "../report/crash-runs.js";
import { renderHtml, renderMarkdown } from "../report/render.js";
import { runCli, UsageError } from "./args.js";

const USAGE = `usage: npm run report -- [--out DIR] [--no-crash] FILE.json...

  FILE.json   bench (npm run bench -- --json), load (npm run load -- --json) or crash reports, in any order
  --out DIR   where report.html, report.md and crash.json go (default reports)
  --no-crash  do not run the crash-pagamentos comparison when no crash report is given`;

await runCli("report", USAGE, async () => {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true, options: { out: { type: "string" }, "no-crash": { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const out = values.out ?? "reports";
  const { html, markdown, inputs } = await reportFromFiles(positionals, { runCrash: !values["no-crash"] });
  await mkdir(out, { recursive: true });
  await writeFileAtomic(join(out, "report.html"), html);
  await writeFileAtomic(join(out, "report.md"), markdown);
  if (inputs.crash && !positionals.some((p) => p.endsWith("crash.json"))) await writeFileAtomic(join(out, "crash.json"), `${JSON.stringify(inputs.crash, null, 2)}\n`);
  console.log(`wrote ${join(out, "report.html")} and ${join(out, "report.md")}`);
});

/** Reads the files, runs the crash comparison if asked and none is given, and renders both pages. */
export async function reportFromFiles(paths: readonly string[], options: { runCrash: boolean }): Promise<{ html: string; markdown: string; inputs: ReportInputs }> {
  let bench: ReportInputs["bench"];
  let crash: CrashReport | undefined;
  const loads: LoadReport[] = [];
  for (const path of paths) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, "utf8"));
    } catch (error) {
      throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
    }
    const input = classify(json, path);
    if ("bench" in input) bench = input.bench;
    else if ("load" in input) loads.push(input.load);
    else crash = input.crash;
  }
  if (!crash && options.runCrash) crash = await runCrashComparison();
  const inputs: ReportInputs = { ...(bench ? { bench } : {}), loads, ...(crash ? { crash } : {}) };
  const content = buildReport(inputs, new Date().toISOString());
  return { html: renderHtml(content), markdown: renderMarkdown(content), inputs };
}
