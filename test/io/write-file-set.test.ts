/** A set of files is replaced all or nothing, whatever moment a crash interrupts the save. */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { recoverFileSet, writeFileSet } from "../../src/io/write-file-set.js";

const root = mkdtempSync(join(tmpdir(), "file-set-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A folder holding the old set a.db = "old a", b.db = "old b". */
async function oldSet(): Promise<string> {
  const dir = join(root, String(++n));
  await writeFileSet(dir, { "a.db": "old a", "b.db": "old b" });
  return dir;
}
const read = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), "utf8")]));

describe("writeFileSet", () => {
  it("writes the set and leaves nothing else behind", async () => {
    const dir = await oldSet();
    await writeFileSet(dir, { "a.db": "new a", "b.db": "new b" });
    assert.deepEqual(read(dir), { "a.db": "new a", "b.db": "new b" });
  });

  it("a crash before the set was committed: recovery keeps every old file", async () => {
    const dir = await oldSet();
    // Crashed after writing a.db.new and before the marker.
    writeFileSync(join(dir, "a.db.new"), "new a");
    await recoverFileSet(dir);
    assert.deepEqual(read(dir), { "a.db": "old a", "b.db": "old b" });
  });

  it("a crash after the commit, halfway through the renames: recovery finishes them", async () => {
    const dir = await oldSet();
    writeFileSync(join(dir, "b.db.new"), "new b");
    writeFileSync(join(dir, "a.db"), "new a"); // a.db.new already renamed into place
    writeFileSync(join(dir, "saving.json"), JSON.stringify(["a.db", "b.db"]));
    await recoverFileSet(dir);
    assert.deepEqual(read(dir), { "a.db": "new a", "b.db": "new b" });
  });

  it("recovery of a folder that does not exist is a no-op", async () => {
    await recoverFileSet(join(root, "nowhere"));
  });
});
