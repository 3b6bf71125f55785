import initSqlJs from "sql.js";
import type { Database, SqlJsStatic, SqlValue, Statement } from "sql.js";

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
  readonly #db: Database;
  readonly #statements = new Map<string, Statement>();
  #depth = 0;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens a store, empty or from the bytes of an SQLite file. */
  static async open(bytes?: Uint8Array): Promise<SqlStore> {
    const SQL = await loadSqlJs();
    return new SqlStore(new SQL.Database(bytes));
  }

  /** Runs DDL or several statements at once (no parameters). */
  exec(sql: string): void {
    this.#db.exec(sql);
  }

  /** Runs one statement; returns the rows changed and the last inserted row id. */
  run(sql: string, params: readonly SqlParam[] = []): { changes: number; lastId: number } {
    const stmt = this.#prepare(sql);
    stmt.run(params as SqlParam[]);
    return { changes: this.#db.getRowsModified(), lastId: this.#lastInsertId() };
  }

  /** The first row of a query, or undefined. */
  get<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlParam[] = []): T | undefined {
    const stmt = this.#prepare(sql);
    try {
      stmt.bind(params as SqlParam[]);
      return stmt.step() ? (stmt.getAsObject() as T) : undefined;
    } finally {
      stmt.reset();
    }
  }

  /** Every row of a query. */
  all<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlParam[] = []): T[] {
    const stmt = this.#prepare(sql);
    const rows: T[] = [];
    try {
      stmt.bind(params as SqlParam[]);
      while (stmt.step()) rows.push(stmt.getAsObject() as T);
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
    this.#db.exec("BEGIN");
    this.#depth++;
    try {
      const result = fn();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    } finally {
      this.#depth--;
    }
  }

  /** The database as the bytes of a real SQLite file. */
  export(): Uint8Array {
    // sql.js frees every prepared statement when it exports, so drop the cache.
    this.#statements.clear();
    return this.#db.export();
  }

  /** Frees the database. */
  close(): void {
    this.#statements.clear();
    this.#db.close();
  }

  #prepare(sql: string): Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  #lastInsertId(): number {
    const stmt = this.#prepare("SELECT last_insert_rowid() AS id");
    try {
      stmt.step();
      return Number(stmt.getAsObject()["id"]);
    } finally {
      stmt.reset();
    }
  }
}
