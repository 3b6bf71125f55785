import initSqlJs from "sql.js";
import type { Database, SqlJsStatic, SqlValue, Statement } from "sql.js";
import { closeMemoryDatabase, openMemoryDatabase } from "./memory-database.js";

/** A value bound to a `?` placeholder. */
export type SqlParam = SqlValue;
/** One result row, column name to value. */
export type SqlRow = Record<string, SqlValue>;

let sqlJs: Promise<SqlJsStatic> | undefined;

/** Loads the sql.js WebAssembly module once per process. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

/**
 * A thin synchronous wrapper over one sql.js database: cached prepared
 * statements, typed row helpers and all-or-nothing transactions.
 *
 * Transactions are synchronous on purpose: no `await` can happen inside one,
 * so a simulated crash (which happens between events) never sees half of it.
 */
export class SqlStore {
  readonly #sql: SqlJsStatic;
  readonly #db: Database;
  readonly #statements = new Map<string, Prepared>();
  #depth = 0;

  private constructor(sql: SqlJsStatic, db: Database) {
    this.#sql = sql;
    this.#db = db;
  }

  /** Opens a store in memory, empty or holding a copy of the bytes of an SQLite file. */
  static async open(bytes?: Uint8Array): Promise<SqlStore> {
    const SQL = await loadSqlJs();
    const store = new SqlStore(SQL, openMemoryDatabase(SQL, bytes));
    store.#tune();
    return store;
  }

  /** Runs DDL or several statements at once (no parameters). */
  exec(sql: string): void {
    this.#db.exec(sql);
  }

  /** Runs one statement; returns how many rows it changed. */
  run(sql: string, params: readonly SqlParam[] = []): number {
    this.#prepare(sql).run(params as SqlParam[]);
    return this.#db.getRowsModified();
  }

  /** Runs one INSERT; returns the new row's id. */
  insert(sql: string, params: readonly SqlParam[] = []): number {
    this.#prepare(sql).run(params as SqlParam[]);
    return this.#lastInsertId();
  }

  /** The first row of a query, or undefined. */
  get<T = SqlRow>(sql: string, params: readonly SqlParam[] = []): T | undefined {
    const prepared = this.#prepared(sql);
    const { stmt } = prepared;
    try {
      stmt.bind(params as SqlParam[]);
      return stmt.step() ? (rowOf(prepared) as T) : undefined;
    } finally {
      stmt.reset();
    }
  }

  /** Every row of a query. */
  all<T = SqlRow>(sql: string, params: readonly SqlParam[] = []): T[] {
    const prepared = this.#prepared(sql);
    const { stmt } = prepared;
    const rows: T[] = [];
    try {
      stmt.bind(params as SqlParam[]);
      while (stmt.step()) rows.push(rowOf(prepared) as T);
      return rows;
    } finally {
      stmt.reset();
    }
  }

  /**
   * Runs `fn` inside one transaction: committed if it returns, rolled back if
   * it throws. Nested calls join the outer transaction.
   */
  tx<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.#prepare("BEGIN").run();
    this.#depth++;
    try {
      const result = fn();
      this.#prepare("COMMIT").run();
      return result;
    } catch (error) {
      this.#prepare("ROLLBACK").run();
      throw error;
    } finally {
      this.#depth--;
    }
  }

  /** The database as the bytes of a real SQLite file. */
  export(): Uint8Array {
    // sql.js copies the pages out with SQLite's backup API: the connection,
    // its statements and its pragmas stay as they are.
    return this.#db.export();
  }

  /** Frees the database. */
  close(): void {
    for (const { stmt } of this.#statements.values()) stmt.free();
    this.#statements.clear();
    closeMemoryDatabase(this.#sql, this.#db);
  }

  /**
   * A `:memory:` database already keeps its rollback journal in memory and
   * has no file to sync or lock; its temporary files (statement journals,
   * sorts) would still go to Emscripten's file system through JavaScript.
   */
  #tune(): void {
    this.#db.exec("PRAGMA temp_store = MEMORY");
  }

  #prepare(sql: string): Statement {
    return this.#prepared(sql).stmt;
  }

  #prepared(sql: string): Prepared {
    let prepared = this.#statements.get(sql);
    if (!prepared) {
      const stmt = this.#db.prepare(sql);
      // A prepared statement's columns are fixed: read their names once, not once per row.
      prepared = { stmt, columns: stmt.getColumnNames() };
      this.#statements.set(sql, prepared);
    }
    return prepared;
  }

  #lastInsertId(): number {
    const stmt = this.#prepare("SELECT last_insert_rowid()");
    try {
      stmt.step();
      return Number(stmt.get()[0]);
    } finally {
      stmt.reset();
    }
  }
}

/** A cached prepared statement and the names of its result columns. */
interface Prepared {
  readonly stmt: Statement;
  readonly columns: readonly string[];
}

/** The current row as an object, column name to value (a later duplicate name wins, as in sql.js's getAsObject). */
function rowOf({ stmt, columns }: Prepared): SqlRow {
  const values = stmt.get();
  const row: SqlRow = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i]!;
  return row;
}
