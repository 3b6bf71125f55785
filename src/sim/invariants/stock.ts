import type { CheckoutDatabases, InvariantResult } from "./result.js";
import { Violations, plural } from "./result.js";

type ProductRow = { produto_id: number; quantidade: number; quantidade_inicial: number };
type HeldRow = { produto_id: number; held: number };
type ItemRow = { pedido_id: number; produto_id: number; quantidade: number };
type OrphanRow = { pedido_id: number; itens: number; unidades: number };

/** Units held per product: the items of reservations that are `separado` (a semi-join, so duplicated reservation rows count once). */
const HELD_SQL = `SELECT produto_id, SUM(quantidade) AS held FROM itens_reserva
  WHERE pedido_id IN (SELECT pedido_id FROM reservas WHERE status = 'separado') GROUP BY produto_id`;
const UNKNOWN_PRODUCT_SQL = `SELECT i.pedido_id, i.produto_id, i.quantidade FROM itens_reserva i
  WHERE NOT EXISTS (SELECT 1 FROM estoque e WHERE e.produto_id = i.produto_id) ORDER BY i.pedido_id, i.produto_id`;
const ORPHAN_SQL = `SELECT i.pedido_id, COUNT(*) AS itens, SUM(i.quantidade) AS unidades FROM itens_reserva i
  WHERE NOT EXISTS (SELECT 1 FROM reservas r WHERE r.pedido_id = i.pedido_id) GROUP BY i.pedido_id ORDER BY i.pedido_id`;

/**
 * Invariant 1: no product has negative stock; per product, initial stock =
 * current stock + units held by `separado` reservations; every reservation
 * item names a product estoque.db knows and belongs to a reservation.
 */
export function checkStock(dbs: CheckoutDatabases): InvariantResult {
  const db = dbs.estoque;
  const violations = new Violations();
  const held = new Map<number, number>();
  for (const r of db.all<HeldRow>(HELD_SQL)) held.set(r.produto_id, r.held);

  const products = db.all<ProductRow>("SELECT produto_id, quantidade, quantidade_inicial FROM estoque ORDER BY produto_id");
  let heldTotal = 0;
  for (const p of products) {
    const h = held.get(p.produto_id) ?? 0;
    heldTotal += h;
    if (p.quantidade < 0 || p.quantidade_inicial < 0) {
      violations.add(`produto ${p.produto_id}: negative stock (quantidade ${p.quantidade}, inicial ${p.quantidade_inicial})`);
    }
    const missing = p.quantidade_inicial - (p.quantidade + h);
    if (missing !== 0) {
      const what = missing > 0 ? `${plural(missing, "unit")} leaked` : `${plural(-missing, "unit")} too many`;
      violations.add(`produto ${p.produto_id}: initial ${p.quantidade_inicial} ≠ ${p.quantidade} in stock + ${h} held (${what})`);
    }
  }
  for (const i of db.all<ItemRow>(UNKNOWN_PRODUCT_SQL)) {
    violations.add(`pedido ${i.pedido_id}: reservation item names unknown produto ${i.produto_id} (${plural(i.quantidade, "unit")})`);
  }
  for (const o of db.all<OrphanRow>(ORPHAN_SQL)) {
    violations.add(`pedido ${o.pedido_id}: ${plural(o.itens, "reservation item")} (${plural(o.unidades, "unit")}) without a reservation`);
  }

  const holders = db.get<{ n: number }>("SELECT COUNT(DISTINCT pedido_id) AS n FROM reservas WHERE status = 'separado'")?.n ?? 0;
  return violations.result(
    "stock",
    `${plural(products.length, "product")}, none negative, ${plural(heldTotal, "unit")} held by ${plural(holders, "live order")}`,
  );
}
