import type { ServiceName } from "../../core/vocabulary.js";
import type { CheckoutDatabases, InvariantResult } from "./result.js";
import { Violations, plural } from "./result.js";

/** Tables that may hold at most one row per order. */
const PER_ORDER: readonly { db: ServiceName; table: string; noun: string }[] = [
  { db: "pagamentos", table: "pagamentos", noun: "payment" },
  { db: "estoque", table: "reservas", noun: "reservation" },
  { db: "fiscal", table: "notas_fiscais", noun: "invoice" },
  { db: "logistica", table: "envios", noun: "shipment" },
];

/** Columns whose values are never reused across rows. */
const NEVER_REUSED: readonly { db: ServiceName; table: string; column: string; label: string }[] = [
  { db: "fiscal", table: "notas_fiscais", column: "numero", label: "invoice number" },
  { db: "fiscal", table: "notas_fiscais", column: "chave_acesso", label: "access key" },
  { db: "logistica", table: "envios", column: "codigo_rastreamento", label: "tracking code" },
  { db: "logistica", table: "envios", column: "nota_fiscal_id", label: "shipped invoice id" },
];

/**
 * Invariant 2: at most one payment, reservation, invoice and shipment per
 * order, and no invoice number, access key, tracking code or invoice reused.
 * Checked by grouping, never by trusting the tables' UNIQUE constraints.
 */
export function checkAtMostOnce(dbs: CheckoutDatabases): InvariantResult {
  const violations = new Violations();
  const counts: string[] = [];
  for (const { db, table, noun } of PER_ORDER) {
    const store = dbs[db];
    const rows = store.all<{ pedido_id: number; n: number }>(
      `SELECT pedido_id, COUNT(*) AS n FROM ${table} GROUP BY pedido_id HAVING COUNT(*) > 1 ORDER BY pedido_id`,
    );
    for (const r of rows) violations.add(`pedido ${r.pedido_id}: ${r.n} ${noun}s`);
    counts.push(plural(store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)?.n ?? 0, noun));
  }
  for (const { db, table, column, label } of NEVER_REUSED) {
    const rows = dbs[db].all<{ code: string | number; n: number; pedidos: string }>(
      `SELECT ${column} AS code, COUNT(*) AS n, GROUP_CONCAT(pedido_id, ', ') AS pedidos FROM ${table}
       GROUP BY ${column} HAVING COUNT(*) > 1 ORDER BY MIN(pedido_id)`,
    );
    for (const r of rows) violations.add(`${label} ${r.code} used ${r.n} times (pedidos ${r.pedidos})`);
  }
  return violations.result("at-most-once", `${counts.join(", ")}; none repeated per order, no number or code reused`);
}
