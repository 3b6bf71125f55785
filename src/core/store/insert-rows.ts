import type { SqlParam, SqlStore } from "./sql-store.js";

/** Most rows one INSERT carries, so only a few statement texts are ever prepared. */
const MAX_ROWS = 16;

/** Inserts rows (each one value per column, in order) into a store; rows get their ids in the order given. */
export type RowInserter = (store: SqlStore, rows: readonly (readonly SqlParam[])[]) => void;

/**
 * An inserter for `table`'s `columns` that writes rows with multi-row INSERTs
 * instead of one statement per row. Make it once (a module constant): it keeps
 * its statement texts by row count, since building one costs more than a short
 * INSERT runs, and the store finds a prepared statement fastest by the same string.
 */
export function rowInserter(table: string, columns: readonly string[]): RowInserter {
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const prefix = `INSERT INTO ${table} (${columns.join(", ")}) VALUES `;
  const texts: string[] = [];
  return (store, rows) => {
    for (let start = 0; start < rows.length; start += MAX_ROWS) {
      const end = Math.min(rows.length, start + MAX_ROWS);
      // The chunk's values in one flat list, by hand: Array#flat is several times slower on short lists.
      const params: SqlParam[] = [];
      for (let i = start; i < end; i++) for (const value of rows[i]!) params.push(value);
      store.run((texts[end - start] ??= prefix + Array(end - start).fill(tuple).join(", ")), params);
    }
  };
}
