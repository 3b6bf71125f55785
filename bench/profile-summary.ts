/**
 * Summarizes a `.cpuprofile` written by `node --cpu-prof`: self time by
 * function and by file (or package), the heaviest first. Where the time of a
 * transport goes, without opening DevTools:
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir=prof bench/profile-call.ts http 20000
 *   npx tsx bench/profile-summary.ts prof/*.cpuprofile
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time in ms per function and per file (node_modules collapsed to the package). */
export function summarize(profile: Profile): { byFunction: [string, number][]; byFile: [string, number][] } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const { callFrame } = nodes.get(id)!;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const where = shortFile(callFrame.url);
    const name = `${callFrame.functionName || "(anonymous)"} ${where}:${callFrame.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    file.set(where, (file.get(where) ?? 0) + ms);
  });
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { byFunction: top(fn), byFile: top(file) };
}

function shortFile(url: string): string {
  if (!url) return "(native)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return url.replace(/^file:\/\/.*?\/(src|bench|test)\//, "$1/");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const path of process.argv.slice(2)) {
    const { byFunction, byFile } = summarize(JSON.parse(readFileSync(path, "utf8")) as Profile);
    const total = byFile.reduce((s, [, ms]) => s + ms, 0);
    console.log(`${path}: ${total.toFixed(0)} ms sampled`);
    console.log("by file/package:");
    for (const [name, ms] of byFile.slice(0, 15)) console.log(`  ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
    console.log("by function:");
    for (const [name, ms] of byFunction.slice(0, 25)) console.log(`  ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
}
