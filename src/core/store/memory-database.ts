import type { Database, SqlJsStatic } from "sql.js";

/** SQLite's result code for a backup that copied every page. */
const SQLITE_DONE = 101;

/**
 * Opens a sql.js database on SQLite's own `:memory:` file, holding a copy of
 * `bytes` (the bytes of an SQLite file) if given.
 *
 * sql.js always opens a file in Emscripten's in-memory file system, so every
 * commit copies its dirty pages into that file through JavaScript; a
 * `:memory:` database keeps its pages in SQLite's page cache only, which
 * makes a commit about half as costly. sql.js has no option for it: its
 * constructor opens whatever its `filename` property holds, so the database is
 * constructed with a prototype whose `filename` always reads `:memory:`.
 * Everything else (statements, export through the backup API) works as on a
 * file; close it with {@link closeMemoryDatabase}, not `db.close()`, which
 * would also delete a file that does not exist.
 */
export function openMemoryDatabase(SQL: SqlJsStatic, bytes?: Uint8Array): Database {
  const db = Reflect.construct(SQL.Database, [], api(SQL).target) as Database;
  if (bytes === undefined) return db;
  const file = new SQL.Database(bytes);
  try {
    copyDatabase(SQL, file, db);
  } catch (error) {
    closeMemoryDatabase(SQL, db);
    throw error;
  } finally {
    file.close();
  }
  return db;
}

/**
 * Frees a database made by {@link openMemoryDatabase}. Free its statements
 * first: one left open keeps the database's memory until it is freed.
 */
export function closeMemoryDatabase(SQL: SqlJsStatic, db: Database): void {
  const open = db as unknown as OpenDatabase;
  if (open.db === null) return;
  const rc = api(SQL).close(open.db);
  if (rc !== 0) throw new Error(`sqlite3_close_v2 failed with code ${rc}`);
  open.db = null;
}

/** The one part of a sql.js Database this module reaches into: the connection handle (its name survives sql.js's minifier). */
interface OpenDatabase {
  db: number | null;
}

/** The SQLite C functions sql.js does not wrap for us, per loaded module. */
interface SqliteApi {
  readonly close: (db: number) => number;
  readonly backupInit: (dest: number, destName: string, src: number, srcName: string) => number;
  readonly backupStep: (backup: number, pages: number) => number;
  readonly backupFinish: (backup: number) => number;
  readonly errmsg: (db: number) => string;
  /** The `newTarget` that makes sql.js's constructor open `:memory:`. */
  readonly target: () => void;
}

const apis = new WeakMap<SqlJsStatic, SqliteApi>();

function api(SQL: SqlJsStatic): SqliteApi {
  let found = apis.get(SQL);
  if (found === undefined) {
    const cwrap = (SQL as unknown as { cwrap: CWrap }).cwrap;
    // A constructor target whose instances read `filename` as ":memory:" and ignore sql.js's assignment to it.
    const target = function MemoryDatabase() {} as () => void;
    target.prototype = Object.create(SQL.Database.prototype, {
      filename: { get: () => ":memory:", set: () => {} },
    });
    found = {
      close: cwrap("sqlite3_close_v2", "number", ["number"]) as SqliteApi["close"],
      backupInit: cwrap("sqlite3_backup_init", "number", ["number", "string", "number", "string"]) as SqliteApi["backupInit"],
      backupStep: cwrap("sqlite3_backup_step", "number", ["number", "number"]) as SqliteApi["backupStep"],
      backupFinish: cwrap("sqlite3_backup_finish", "number", ["number"]) as SqliteApi["backupFinish"],
      errmsg: cwrap("sqlite3_errmsg", "string", ["number"]) as SqliteApi["errmsg"],
      target,
    };
    apis.set(SQL, found);
  }
  return found;
}

type CWrap = (name: string, returns: string, args: string[]) => (...args: unknown[]) => unknown;

/** Copies every page of `from` into `to` with SQLite's backup API. */
function copyDatabase(SQL: SqlJsStatic, from: Database, to: Database): void {
  const { backupInit, backupStep, backupFinish, errmsg } = api(SQL);
  const dest = (to as unknown as OpenDatabase).db!;
  const backup = backupInit(dest, "main", (from as unknown as OpenDatabase).db!, "main");
  if (backup === 0) throw new Error(`cannot copy the database: ${errmsg(dest)}`);
  const step = backupStep(backup, -1);
  const finish = backupFinish(backup);
  if (step !== SQLITE_DONE || finish !== 0) throw new Error(`cannot copy the database: ${errmsg(dest)}`);
}
