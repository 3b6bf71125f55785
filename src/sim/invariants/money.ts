import { TERMINAL_STATUSES } from "../../core/vocabulary.js";
import type { InvariantResult } from "./result.js";
import { SHIPPED_STATUSES, Violations, brl, plural } from "./result.js";
import type { Snapshot } from "./snapshot.js";

/** What pagamentos.db says about one order. */
interface Charges {
  /** Sum of its `aprovado` payments (estornado rows are refunded, so they hold nothing). */
  charged: number;
  aprovados: number;
  /** Payments whose amount differs from the order's value. */
  readonly wrongAmounts: string[];
}

/**
 * Invariant 4: every payment's amount equals its order's value, and what is
 * charged (sum of `aprovado` payments = approved minus refunded) equals what is
 * owed: the value of `enviado`/`entregue` orders plus that of non-terminal
 * orders whose payment is currently `aprovado` (charges in flight). The total
 * is decomposed per order, so a mismatch names the orders that cause it.
 */
export function checkMoney(snapshot: Snapshot): InvariantResult {
  const violations = new Violations();
  const byOrder = new Map<number, Charges>();
  const strays = new Map<number, number>();
  let chargedTotal = 0;
  for (const p of snapshot.payments) {
    const approved = p.status === "aprovado";
    if (approved) chargedTotal += p.valorCentavos;
    const order = snapshot.orders.get(p.pedidoId);
    if (!order) {
      // status-consistency names every effect of an unknown order; money only cares about held charges.
      if (approved) strays.set(p.pedidoId, (strays.get(p.pedidoId) ?? 0) + p.valorCentavos);
      continue;
    }
    let c = byOrder.get(p.pedidoId);
    if (!c) byOrder.set(p.pedidoId, (c = { charged: 0, aprovados: 0, wrongAmounts: [] }));
    if (approved) {
      c.charged += p.valorCentavos;
      c.aprovados++;
    }
    if (p.valorCentavos !== order.valorCentavos) {
      c.wrongAmounts.push(`payment ${p.status} of ${brl(p.valorCentavos)} but order total ${brl(order.valorCentavos)}`);
    }
  }

  let owedTotal = 0;
  let shipped = 0;
  let inFlight = 0;
  for (const [id, order] of snapshot.orders) {
    const c = byOrder.get(id);
    const charged = c?.charged ?? 0;
    let owed = 0;
    if (SHIPPED_STATUSES.has(order.status)) {
      owed = order.valorCentavos;
      shipped++;
    } else if (!TERMINAL_STATUSES.has(order.status) && (c?.aprovados ?? 0) > 0) {
      owed = order.valorCentavos;
      inFlight++;
    }
    owedTotal += owed;
    const problems = [...(c?.wrongAmounts ?? [])];
    // A single wrong-amount approved payment already explains the difference.
    const explained = problems.length > 0 && (c?.aprovados ?? 0) <= 1;
    if (charged !== owed && !explained) {
      if (order.status === "cancelado") problems.push(`cancelado but ${brl(charged)} still charged`);
      else if (charged === 0) problems.push(`${order.status} but nothing charged (${brl(owed)} owed)`);
      else problems.push(`${order.status}, charged ${brl(charged)} in ${plural(c?.aprovados ?? 0, "approved payment")} for ${brl(owed)} owed`);
    }
    if (problems.length > 0) violations.add(`pedido ${id}: ${problems.join(", ")}`);
  }
  for (const id of [...strays.keys()].sort((a, b) => a - b)) {
    violations.add(`pedido ${id}: ${brl(strays.get(id)!)} charged for an order pedidos.db does not know`);
  }
  if (violations.count === 0 && chargedTotal !== owedTotal) {
    violations.add(`charged ${brl(chargedTotal)} but owed ${brl(owedTotal)}`); // unreachable if the decomposition is right
  }

  const totals = `charged ${brl(chargedTotal)}, owed ${brl(owedTotal)}`;
  return violations.result(
    "money",
    `${totals} by ${plural(shipped, "shipped order")} + ${inFlight} in flight; ${plural(snapshot.payments.length, "payment")} match their orders`,
    totals,
  );
}
