import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(import.meta.dirname, "../..");

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

test("the committed src/gen is what `npm run proto` generates from proto/", () => {
  const out = mkdtempSync(join(tmpdir(), "gen-check-"));
  try {
    execFileSync(process.execPath, ["--import", "tsx", join(root, "scripts/gen-proto.ts"), "--out", out], { cwd: root, stdio: "pipe" });
    const committed = join(root, "src/gen");
    const fresh = listFiles(out).map((f) => relative(out, f)).sort();
    assert.deepEqual(listFiles(committed).map((f) => relative(committed, f)).sort(), fresh, "generated file list differs: run `npm run proto`");
    for (const file of fresh) {
      assert.equal(readFileSync(join(committed, file), "utf8"), readFileSync(join(out, file), "utf8"), `${file} is stale: run \`npm run proto\``);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
