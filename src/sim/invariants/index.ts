import { checkAtMostOnce } from "./at-most-once.js";
import { checkMoney } from "./money.js";
import type { CheckoutDatabases, InvariantResult } from "./result.js";
import { readSnapshot, type Snapshot } from "./snapshot.js";
import { checkStatusConsistency } from "./status-consistency.js";
import { checkStock } from "./stock.js";

export type { CheckoutDatabases, InvariantResult } from "./result.js";
export { checkAtMostOnce } from "./at-most-once.js";
export { checkMoney } from "./money.js";
export { readSnapshot, type Snapshot } from "./snapshot.js";
export { checkStatusConsistency } from "./status-consistency.js";
export { checkStock } from "./stock.js";

/**
 * Checks invariants 1-4 of the design across the six services' databases and
 * returns, in this order, `stock`, `at-most-once`, `status-consistency` and
 * `money`. Never throws: a check that cannot run (e.g. a missing table) fails
 * with the error in its detail. Linear in the number of rows (plus SQLite's
 * GROUP BYs), so it suits runs with 100k orders.
 */
export function checkInvariants(dbs: CheckoutDatabases): InvariantResult[] {
  let snapshot: Snapshot | undefined;
  const snap = (): Snapshot => (snapshot ??= readSnapshot(dbs));
  return [
    guard("stock", () => checkStock(dbs)),
    guard("at-most-once", () => checkAtMostOnce(dbs)),
    guard("status-consistency", () => checkStatusConsistency(dbs, snap())),
    guard("money", () => checkMoney(snap())),
  ];
}

function guard(name: string, check: () => InvariantResult): InvariantResult {
  try {
    return check();
  } catch (error) {
    return { name, ok: false, detail: `check could not run: ${error instanceof Error ? error.message : String(error)}` };
  }
}
