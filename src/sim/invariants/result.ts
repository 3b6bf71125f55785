import type { SqlStore } from "../../core/store/sql-store.js";
import type { ServiceName } from "../../core/vocabulary.js";

/** The outcome of one invariant check, as the sim report prints it. */
export interface InvariantResult {
  readonly name: string;
  readonly ok: boolean;
  /** When ok, what was checked (counts); when not, the number of violations and the first few. */
  readonly detail: string;
}

/** Every checkout service's database, by service name (the `<name>.db` files). */
export type CheckoutDatabases = Readonly<Record<ServiceName, SqlStore>>;

/** How many violations a failing result names in its detail. */
export const SHOWN_VIOLATIONS = 5;

/** Counts violations and keeps the first {@link SHOWN_VIOLATIONS} messages, so memory stays bounded. */
export class Violations {
  #count = 0;
  readonly #shown: string[] = [];

  /** Records one violation. */
  add(message: string): void {
    this.#count++;
    if (this.#shown.length < SHOWN_VIOLATIONS) this.#shown.push(message);
  }

  /** How many violations were recorded. */
  get count(): number {
    return this.#count;
  }

  /** The result: ok with `summary` if nothing was recorded, else the count, `context` and the first messages. */
  result(name: string, summary: string, context?: string): InvariantResult {
    if (this.#count === 0) return { name, ok: true, detail: summary };
    const more = this.#count > this.#shown.length ? `; and ${this.#count - this.#shown.length} more` : "";
    const head = `${plural(this.#count, "violation")}${context ? ` (${context})` : ""}`;
    return { name, ok: false, detail: `${head}: ${this.#shown.join("; ")}${more}` };
  }
}

/** `1 unit`, `3 units`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Integer centavos as Brazilian reais: `R$ 1.234,56`, `-R$ 0,05`. */
export function brl(centavos: number): string {
  const abs = Math.abs(centavos);
  const reais = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const cents = String(abs % 100).padStart(2, "0");
  return `${centavos < 0 ? "-" : ""}R$ ${reais},${cents}`;
}

/** Order statuses whose order was shipped: every effect must be live. */
export const SHIPPED_STATUSES: ReadonlySet<string> = new Set(["enviado", "entregue"]);
