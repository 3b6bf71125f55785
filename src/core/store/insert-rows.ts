import type { SqlParam, SqlStore } from "./sql-store.js";

/** Most rows one INSERT carries, so only a few statement texts are ever prepared. */
const MAX_ROWS = 16;

/**
 * Inserts `rows` (each one value per column, in order) with multi-row INSERTs
 * instead of one statement per row; rows get their ids in the order given.
 */
export function insertRows(store: SqlStore, table: string, columns: readonly string[], rows: readonly (readonly SqlParam[])[]): void {
  for (let start = 0; start < rows.length; start += MAX_ROWS) {
    const chunk = rows.slice(start, start + MAX_ROWS);
    store.run(insertSql(table, columns, chunk.length), chunk.flat());
  }
}

/** Statement texts by table, columns and row count: building one costs more than a short INSERT runs. */
const texts = new Map<string, string>();

function insertSql(table: string, columns: readonly string[], count: number): string {
  const key = `${table}(${columns.join(",")})*${count}`;
  let sql = texts.get(key);
  if (sql === undefined) {
    const tuple = `(${columns.map(() => "?").join(", ")})`;
    sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array(count).fill(tuple).join(", ")}`;
    texts.set(key, sql);
  }
  return sql;
}
