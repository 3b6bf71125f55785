import type { CheckoutDatabases } from "./result.js";

/** What the checks need of one order. */
export interface OrderFacts {
  readonly status: string;
  readonly valorCentavos: number;
}

/** One row of `pagamentos`. */
export interface PaymentRow {
  readonly pedidoId: number;
  readonly status: string;
  readonly valorCentavos: number;
}

/** The rows more than one check reads, read once. */
export interface Snapshot {
  /** Every order of pedidos.db by id, in id order. */
  readonly orders: ReadonlyMap<number, OrderFacts>;
  /** Every payment row (duplicates included). */
  readonly payments: readonly PaymentRow[];
}

/** Reads orders and payments into memory (the databases are separate, so no SQL join can span them). */
export function readSnapshot(dbs: CheckoutDatabases): Snapshot {
  const orders = new Map<number, OrderFacts>();
  const orderRows = dbs.pedidos.all<{ id: number; status: string; valor_total_centavos: number }>(
    "SELECT id, status, valor_total_centavos FROM pedidos ORDER BY id",
  );
  for (const r of orderRows) orders.set(r.id, { status: r.status, valorCentavos: r.valor_total_centavos });
  const payments = dbs.pagamentos
    .all<{ pedido_id: number; status: string; valor_centavos: number }>("SELECT pedido_id, status, valor_centavos FROM pagamentos")
    .map((r) => ({ pedidoId: r.pedido_id, status: r.status, valorCentavos: r.valor_centavos }));
  return { orders, payments };
}
