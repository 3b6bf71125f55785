import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(import.meta.dirname, "../..");
/** Code that must take time and randomness from the injected Clock and Random. */
const GUARDED = ["src/core", "src/sim", "src/transports/middleware"];
const FORBIDDEN = /\b(Date\.now\(|Math\.random\(|performance\.now\(|new Date\(\)|setTimeout\(|setInterval\(|process\.hrtime|randomUUID\(|randomBytes\(|randomInt\(|getRandomValues\()/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

test("deterministic code never reads the wall clock or Math.random", () => {
  const hits: string[] = [];
  for (const dir of GUARDED) {
    const files = sources(join(root, dir));
    // A guarded folder that moved would otherwise pass by scanning nothing.
    assert.ok(files.length > 0, `${dir} has no .ts files: update GUARDED`);
    for (const file of files) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (FORBIDDEN.test(line) && !line.trim().startsWith("//") && !line.trim().startsWith("*")) {
            hits.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
          }
        });
    }
  }
  assert.deepEqual(hits, [], "use the injected Clock / Random instead");
});
