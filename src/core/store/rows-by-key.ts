import type { SqlParam, SqlStore } from "./sql-store.js";

/** Largest IN list one query binds; longer key lists are read in chunks. */
const MAX_IN = 64;

/**
 * The rows whose `keyColumn` is one of `keys`, by key, read with `IN (...)`
 * queries instead of one query per key. The list is padded (with its last key)
 * to a power of two, so only a handful of statement texts are ever prepared.
 * `select` is the query up to its WHERE, e.g. `SELECT id, nome FROM produtos`.
 */
export function rowsByKey<T extends Record<K, number>, K extends string>(
  store: SqlStore,
  select: string,
  keyColumn: K,
  keys: readonly number[],
): Map<number, T> {
  const rows = new Map<number, T>();
  for (let start = 0; start < keys.length; start += MAX_IN) {
    const chunk: SqlParam[] = keys.slice(start, start + MAX_IN);
    let size = 1;
    while (size < chunk.length) size *= 2;
    while (chunk.length < size) chunk.push(chunk[chunk.length - 1]!);
    const sql = `${select} WHERE ${keyColumn} IN (${"?, ".repeat(size - 1)}?)`;
    for (const row of store.all<T>(sql, chunk)) rows.set(row[keyColumn], row);
  }
  return rows;
}
