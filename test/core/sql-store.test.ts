import assert from "node:assert/strict";
import { test } from "node:test";
import { SqlStore } from "../../src/core/store/sql-store.js";

async function storeWithRows(): Promise<SqlStore> {
  const store = await SqlStore.open();
  store.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  store.tx(() => store.run("INSERT INTO t (v) VALUES (?)", ["a"]));
  return store;
}

test("a store lives in memory, and a rolled-back transaction leaves nothing behind", async () => {
  const store = await storeWithRows();
  assert.equal(store.get<{ file: string }>("SELECT file FROM pragma_database_list WHERE name = 'main'")?.file, "");
  assert.throws(() =>
    store.tx(() => {
      store.run("INSERT INTO t (v) VALUES (?)", ["b"]);
      throw new Error("refused");
    }),
  );
  assert.deepEqual(store.all("SELECT v FROM t"), [{ v: "a" }]);
  store.close();
});

test("export gives the bytes of an SQLite file that opens again, and the store goes on working after it", async () => {
  const store = await storeWithRows();
  const bytes = store.export();
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 15)), "SQLite format 3");
  // Statements prepared before the export still run, with the connection's pragmas.
  store.run("INSERT INTO t (v) VALUES (?)", ["c"]);
  assert.deepEqual(store.get("PRAGMA journal_mode"), { journal_mode: "memory" });
  const copy = await SqlStore.open(bytes);
  assert.deepEqual(copy.all("SELECT id, v FROM t"), [{ id: 1, v: "a" }]);
  // The copy is its own database: writing to it leaves the original alone.
  copy.run("INSERT INTO t (v) VALUES (?)", ["d"]);
  assert.deepEqual(store.all("SELECT v FROM t ORDER BY id"), [{ v: "a" }, { v: "c" }]);
  copy.close();
  store.close();
  store.close();
});

test("bytes that are not an SQLite file are refused when the store opens", async () => {
  await assert.rejects(SqlStore.open(new TextEncoder().encode("not a database, just text that is long enough ".repeat(20))), /not a database/);
});
