import type { SqlParam, SqlStore } from "./sql-store.js";

/** Largest IN list one query binds; longer key lists are read in chunks. */
const MAX_IN = 64;

/** Reads the rows whose key column is one of `keys`, by key. */
export type RowsByKey<T> = (store: SqlStore, keys: readonly number[]) => Map<number, T>;

/**
 * A reader of the rows whose `keyColumn` is one of the keys it is given, with
 * `IN (...)` queries instead of one query per key. The list is padded (with its
 * last key) to a power of two, so only a handful of statement texts exist; make
 * the reader once (a module constant) and it builds each text once.
 * `select` is the query up to its WHERE, e.g. `SELECT id, nome FROM produtos`.
 */
export function rowsByKey<T extends Record<K, number>, K extends string>(select: string, keyColumn: K): RowsByKey<T> {
  const texts: string[] = [];
  return (store, keys) => {
    const rows = new Map<number, T>();
    for (let start = 0; start < keys.length; start += MAX_IN) {
      const chunk: SqlParam[] = keys.slice(start, start + MAX_IN);
      let size = 1;
      while (size < chunk.length) size *= 2;
      while (chunk.length < size) chunk.push(chunk[chunk.length - 1]!);
      const sql = (texts[size] ??= `${select} WHERE ${keyColumn} IN (${"?, ".repeat(size - 1)}?)`);
      for (const row of store.all<T>(sql, chunk)) rows.set(row[keyColumn], row);
    }
    return rows;
  };
}
