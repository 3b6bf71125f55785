/**
 * bench/sql-floor.ts replays a run's statements to time its SQL alone; the
 * figure means something only if the replay does the run's SQL work, all of
 * it: the replayed databases must come out byte for byte as the run's.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { recordRun, replay } from "../../bench/statement-replay.js";
import { SERVICE_NAMES } from "../../src/core/vocabulary.js";

test("a replay of a run's statements leaves the six databases exactly as the run did", { timeout: 60_000 }, async () => {
  const run = await recordRun("chaos", 40);
  assert.equal(run.storeCount, SERVICE_NAMES.length);
  assert.ok(run.statements.some(({ sql }) => sql === "COMMIT"));
  const { stores } = await replay(run);
  try {
    for (const name of SERVICE_NAMES) {
      const index = run.storeIndex.get(run.stores[name])!;
      assert.deepEqual(stores[index]!.export(), run.stores[name].export(), `${name}.db`);
    }
  } finally {
    for (const store of [...stores, ...Object.values(run.stores)]) store.close();
  }
});

test("sql-floor refuses an unknown scenario with the list, before anything runs", async () => {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const failed = await promisify(execFile)(process.execPath, ["--import", "tsx", "bench/sql-floor.ts", "--scenario", "nope"], { cwd: root }).then(
    () => assert.fail("expected exit status 2"),
    (error: { code: number; stderr: string }) => error,
  );
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, /no scenario "nope"; one of baseline/);
});
