import type { SqlStore } from "../../core/store/sql-store.js";
import type { CheckoutDatabases, InvariantResult } from "./result.js";
import { SHIPPED_STATUSES, Violations, brl, plural } from "./result.js";
import type { Snapshot } from "./snapshot.js";

/** One order's effect in one service: its status, whether it is live, and a reference to name it by. */
interface Effect {
  readonly status: string;
  readonly live: boolean;
  /** The payment's amount, the invoice number or the tracking code (only formatted for a violation). */
  readonly ref: string | number | null;
}

type EffectMap = Map<number, Effect>;

/** Keeps one effect per order; if duplicates exist (invariant 2 reports them), a live one wins. */
function put(map: EffectMap, pedidoId: number, effect: Effect): void {
  const seen = map.get(pedidoId);
  if (!seen || (!seen.live && effect.live)) map.set(pedidoId, effect);
}

/** Reads `SELECT pedido_id, status, live, ref` rows into an {@link EffectMap}. */
function readEffects(store: SqlStore, sql: string): EffectMap {
  const map: EffectMap = new Map();
  for (const r of store.all<{ pedido_id: number; status: string; live: number; ref: string | number | null }>(sql)) {
    put(map, r.pedido_id, { status: r.status, live: r.live === 1, ref: r.ref });
  }
  return map;
}

/** How a live effect still held by a cancelled order is named, e.g. `payment aprovado (R$ 12,34 still charged)`. */
const DESCRIBE_LIVE: Readonly<Record<string, (e: Effect) => string>> = {
  payment: (e) => `payment ${e.status} (${brl(Number(e.ref))} still charged)`,
  reservation: (e) => `reservation ${e.status} (stock still held)`,
  invoice: (e) => `invoice ${e.ref} ${e.status}`,
  shipment: (e) => `shipment ${e.ref} ${e.status}`,
};

/**
 * Invariant 3: an `enviado`/`entregue` order has its payment `aprovado`, its
 * reservation `separado`, its invoice `emitida` and a live shipment; a
 * `cancelado` order has none of them. Non-terminal orders are not judged, but
 * an effect whose pedido_id pedidos.db does not know is a violation.
 */
export function checkStatusConsistency(dbs: CheckoutDatabases, snapshot: Snapshot): InvariantResult {
  const payments: EffectMap = new Map();
  for (const p of snapshot.payments) put(payments, p.pedidoId, { status: p.status, live: p.status === "aprovado", ref: p.valorCentavos });
  const effects: readonly (readonly [string, EffectMap])[] = [
    ["payment", payments],
    ["reservation", readEffects(dbs.estoque, "SELECT pedido_id, status, status = 'separado' AS live, NULL AS ref FROM reservas")],
    ["invoice", readEffects(dbs.fiscal, "SELECT pedido_id, status, status = 'emitida' AS live, numero AS ref FROM notas_fiscais")],
    ["shipment", readEffects(dbs.logistica, "SELECT pedido_id, status, status <> 'cancelado' AS live, codigo_rastreamento AS ref FROM envios")],
  ];

  const violations = new Violations();
  let shipped = 0;
  let cancelled = 0;
  for (const [id, order] of snapshot.orders) {
    const problems: string[] = [];
    if (SHIPPED_STATUSES.has(order.status)) {
      shipped++;
      for (const [kind, map] of effects) {
        const e = map.get(id);
        if (!e) problems.push(`no ${kind}`);
        else if (!e.live) problems.push(`${kind} ${e.status}`);
      }
    } else if (order.status === "cancelado") {
      cancelled++;
      for (const [kind, map] of effects) {
        const e = map.get(id);
        if (e?.live) problems.push(DESCRIBE_LIVE[kind]!(e));
      }
    }
    if (problems.length > 0) violations.add(`pedido ${id}: ${order.status} but ${problems.join(", ")}`);
  }

  const unknown = new Map<number, string[]>();
  for (const [kind, map] of effects) {
    for (const [id, e] of map) {
      if (snapshot.orders.has(id)) continue;
      let parts = unknown.get(id);
      if (!parts) unknown.set(id, (parts = []));
      parts.push(`${kind} ${e.status}`);
    }
  }
  for (const id of [...unknown.keys()].sort((a, b) => a - b)) {
    violations.add(`pedido ${id}: ${unknown.get(id)!.join(", ")} for an order pedidos.db does not know`);
  }

  const pending = snapshot.orders.size - shipped - cancelled;
  return violations.result(
    "status-consistency",
    `${plural(shipped, "shipped order")} fully effected, ${plural(cancelled, "cancelled order")} holding nothing, ` +
      `${pending} non-terminal not judged; no effect for an unknown order`,
  );
}
