/**
 * Records every SQL statement a whole simulated run makes (through SqlStore's
 * public methods) and replays them back to back on fresh databases: what the
 * run's SQL costs with nothing else in between (bench/sql-floor.ts).
 */
import { SqlStore, type SqlParam } from "../src/core/store/sql-store.js";
import type { CheckoutStores } from "../src/core/system/stores.js";
import { runCheckout } from "../src/sim/checkout-run.js";
import { simRunOptions } from "./sim-runs.js";

/** One recorded call: which store (in the order they were opened), which method, its SQL and parameters, and whether it threw. */
export interface Statement {
  readonly store: number;
  readonly method: StatementMethod;
  readonly sql: string;
  readonly params?: readonly SqlParam[];
  /** The statement failed in the run (a constraint, say): the replay expects it to fail again. */
  threw?: boolean;
}

/** The SqlStore methods that run SQL; `tx` is recorded as the BEGIN and COMMIT (or ROLLBACK) it runs. */
const STATEMENT_METHODS = ["exec", "run", "insert", "get", "all"] as const;
type StatementMethod = (typeof STATEMENT_METHODS)[number];
/** Public methods that run no SQL of their own. */
const OTHER_METHODS = new Set(["constructor", "tx", "export", "close"]);

/** A recorded run: its statements, how many stores it opened, and its stores by the order they were opened. */
export interface RecordedRun {
  readonly statements: readonly Statement[];
  readonly storeCount: number;
  readonly stores: CheckoutStores;
  readonly storeIndex: ReadonlyMap<SqlStore, number>;
}

type Methods = Record<string, (this: SqlStore, ...args: unknown[]) => unknown>;

/** Runs the scenario once on the sim transport, as the bench runs it (an order every 5 virtual ms), and records every statement of its stores. */
export async function recordRun(scenario: string, orders: number): Promise<RecordedRun> {
  const names = Object.getOwnPropertyNames(SqlStore.prototype);
  const unknown = names.filter((name) => !OTHER_METHODS.has(name) && !(STATEMENT_METHODS as readonly string[]).includes(name));
  const gone = STATEMENT_METHODS.filter((name) => !names.includes(name));
  // A new method that runs SQL would be missed, and the replay would do less than the run: refuse instead.
  if (unknown.length > 0 || gone.length > 0) {
    throw new Error(`sql-floor's list of SqlStore methods is stale (unknown: ${unknown.join(", ") || "none"}; gone: ${gone.join(", ") || "none"}): update STATEMENT_METHODS or OTHER_METHODS`);
  }
  const statements: Statement[] = [];
  const storeIndex = new Map<SqlStore, number>();
  const proto = SqlStore.prototype as unknown as Methods;
  const originals = new Map<string, Methods[string]>();
  const open = SqlStore.open;
  let depth = 0;
  for (const method of STATEMENT_METHODS) {
    const original = proto[method]!;
    originals.set(method, original);
    proto[method] = function (this: SqlStore, sql: unknown, params?: unknown) {
      const store = storeIndex.get(this);
      if (store === undefined) return original.call(this, sql, params);
      const statement: Statement = { store, method, sql: sql as string, ...(params ? { params: [...(params as SqlParam[])] } : {}) };
      statements.push(statement);
      try {
        return original.call(this, sql, params);
      } catch (error) {
        statement.threw = true;
        throw error;
      }
    };
  }
  const tx = proto.tx!;
  originals.set("tx", tx);
  proto.tx = function (this: SqlStore, fn: unknown) {
    const store = storeIndex.get(this);
    if (store === undefined || depth > 0) return tx.call(this, fn);
    statements.push({ store, method: "run", sql: "BEGIN" });
    depth++;
    try {
      return tx.call(this, () => {
        const result = (fn as () => unknown)();
        statements.push({ store, method: "run", sql: "COMMIT" });
        return result;
      });
    } catch (error) {
      statements.push({ store, method: "run", sql: "ROLLBACK" });
      throw error;
    } finally {
      depth--;
    }
  };
  SqlStore.open = async (bytes?: Uint8Array) => {
    const store = await open.call(SqlStore, bytes);
    storeIndex.set(store, storeIndex.size);
    return store;
  };
  try {
    const { stores } = await runCheckout(simRunOptions(scenario, "sim", orders, 5));
    return { statements, storeCount: storeIndex.size, stores, storeIndex };
  } finally {
    for (const [method, original] of originals) proto[method] = original;
    SqlStore.open = open;
  }
}

/** Runs the statements on fresh stores, back to back; returns the stores (the caller closes them) and the wall ms. */
export async function replay(run: Pick<RecordedRun, "statements" | "storeCount">): Promise<{ stores: SqlStore[]; ms: number }> {
  const stores: SqlStore[] = [];
  for (let i = 0; i < run.storeCount; i++) stores.push(await SqlStore.open());
  const proto = SqlStore.prototype as unknown as Methods;
  const started = performance.now();
  for (const { store, method, sql, params, threw } of run.statements) {
    if (!threw) {
      proto[method]!.call(stores[store]!, sql, params);
      continue;
    }
    try {
      proto[method]!.call(stores[store]!, sql, params);
    } catch {
      continue;
    }
    throw new Error(`replay: ${sql} failed in the run but not in the replay`);
  }
  return { stores, ms: performance.now() - started };
}
