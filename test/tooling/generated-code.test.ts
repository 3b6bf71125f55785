import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
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

/** The generated text without the line naming protoc's version, which says nothing about the code. */
function normalized(path: string): string {
  return readFileSync(path, "utf8").replace(/^\/\/ {3}protoc {2,}.*$/m, "// protoc");
}

const hasProtoc = spawnSync("protoc", ["--version"]).status === 0;

test("the committed src/gen is what `npm run proto` generates from proto/", (t) => {
  if (!hasProtoc) {
    // CI installs protoc (.ci/run), so there the check always runs.
    assert.ok(!process.env["CI"], "protoc is missing in CI: .ci/run must install protobuf-compiler");
    return t.skip("protoc is not installed (apt-get install protobuf-compiler)");
  }
  const out = mkdtempSync(join(tmpdir(), "gen-check-"));
  try {
    execFileSync(process.execPath, ["--import", "tsx", join(root, "scripts/gen-proto.ts"), "--out", out], { cwd: root, stdio: "pipe" });
    const committed = join(root, "src/gen");
    const fresh = listFiles(out).map((f) => relative(out, f)).sort();
    assert.deepEqual(listFiles(committed).map((f) => relative(committed, f)).sort(), fresh, "generated file list differs: run `npm run proto`");
    for (const file of fresh) {
      assert.equal(normalized(join(committed, file)), normalized(join(out, file)), `${file} is stale: run \`npm run proto\``);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
