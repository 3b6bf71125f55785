import type { Clock } from "../clock.js";
import type { SqlStore } from "./sql-store.js";

/**
 * The tables every service keeps beside its own: the log of operations it
 * performed, and the orders it was told to cancel (tombstones), so that a late
 * or repeated forward call for a cancelled order is refused instead of applied.
 * Log tables are append-only, so their ids need no AUTOINCREMENT (which costs
 * a write to sqlite_sequence per row): a rowid is the last one plus one.
 */
export const LEDGER_SCHEMA = `
CREATE TABLE IF NOT EXISTS operacoes (
  id INTEGER PRIMARY KEY,
  pedido_id INTEGER,
  operacao TEXT NOT NULL,
  resultado TEXT NOT NULL,
  detalhe TEXT,
  em TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pedidos_cancelados (
  pedido_id INTEGER PRIMARY KEY,
  motivo TEXT NOT NULL,
  em TEXT NOT NULL
);`;

/** One row of `operacoes`. */
export interface Operation {
  readonly pedidoId: number | null;
  /** The RPC or step, e.g. `ProcessarPagamento`. */
  readonly operacao: string;
  /** What happened, e.g. `aprovado`, `repetido`, `recusado`. */
  readonly resultado: string;
  readonly detalhe?: string;
}

/** The operations log and the tombstones of one service's database. */
export class Ledger {
  constructor(
    private readonly store: SqlStore,
    private readonly clock: Clock,
  ) {}

  /** Appends to the operations log. */
  record(op: Operation): void {
    this.store.run("INSERT INTO operacoes (pedido_id, operacao, resultado, detalhe, em) VALUES (?, ?, ?, ?, ?)", [
      op.pedidoId,
      op.operacao,
      op.resultado,
      op.detalhe ?? null,
      isoNow(this.clock),
    ]);
  }

  /** Marks an order cancelled for this service; a second mark keeps the first reason. */
  markCancelled(pedidoId: number, motivo: string): void {
    tombstoneIds(this.store).add(pedidoId);
    this.store.run("INSERT OR IGNORE INTO pedidos_cancelados (pedido_id, motivo, em) VALUES (?, ?, ?)", [
      pedidoId,
      motivo,
      isoNow(this.clock),
    ]);
  }

  /** The cancellation reason if this service was told to cancel the order. */
  cancelledReason(pedidoId: number): string | undefined {
    if (!tombstoneIds(this.store).has(pedidoId)) return undefined;
    return this.store.get<{ motivo: string }>("SELECT motivo FROM pedidos_cancelados WHERE pedido_id = ?", [pedidoId])
      ?.motivo;
  }
}

/**
 * Per database, every pedido_id that may have a tombstone: read from the table
 * once, then added to before each write. Nearly every forward call asks about
 * an order that was never cancelled, and this answers that without a query; an
 * id in the set is still looked up, so a mark whose transaction rolled back
 * only costs that query. Keyed by store because replicas share one.
 */
const maybeCancelled = new WeakMap<SqlStore, Set<number>>();

function tombstoneIds(store: SqlStore): Set<number> {
  let ids = maybeCancelled.get(store);
  if (ids === undefined) {
    ids = new Set(store.all<{ pedido_id: number }>("SELECT pedido_id FROM pedidos_cancelados").map((row) => row.pedido_id));
    maybeCancelled.set(store, ids);
  }
  return ids;
}

let lastSecond = Number.NaN;
let secondPrefix = "";
let lastMs = Number.NaN;
let lastIso = "";

/** The clock's current time as an ISO-8601 string, the format of every date column. */
export function isoNow(clock: Clock): string {
  // Virtual time has fractions of a ms and moves a little between events: a Date
  // keeps whole ms (truncated), so equal whole ms give equal strings, and within one second
  // only the last digits change, so the rest is formatted once per second.
  const ms = Math.trunc(clock.now());
  if (ms === lastMs) return lastIso;
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    secondPrefix = new Date(second * 1000).toISOString().slice(0, -4);
  }
  lastMs = ms;
  lastIso = `${secondPrefix}${String(ms - second * 1000).padStart(3, "0")}Z`;
  return lastIso;
}
