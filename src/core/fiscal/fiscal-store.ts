import { LEDGER_SCHEMA } from "../store/ledger.js";
import { SqlStore } from "../store/sql-store.js";

/** Invoice statuses: only `emitida` is live. */
export type StatusNotaFiscal = "emitida" | "cancelada";

/** fiscal.db: at most one invoice per order; numbers unique and gap-free. */
export const FISCAL_SCHEMA = `
CREATE TABLE IF NOT EXISTS notas_fiscais (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pedido_id INTEGER NOT NULL UNIQUE,
  numero TEXT NOT NULL UNIQUE,
  data_emissao TEXT NOT NULL,
  chave_acesso TEXT NOT NULL UNIQUE,
  valor_centavos INTEGER NOT NULL CHECK (valor_centavos >= 0),
  status TEXT NOT NULL CHECK (status IN ('emitida', 'cancelada')),
  cancelada_em TEXT
);${LEDGER_SCHEMA}`;

/** Opens fiscal.db, new or from bytes. */
export async function openFiscalStore(init: { bytes?: Uint8Array } = {}): Promise<SqlStore> {
  const store = await SqlStore.open(init.bytes);
  store.exec(FISCAL_SCHEMA);
  return store;
}

/**
 * The next invoice number: one past the highest issued. Numbers are written
 * with 9 zero-padded digits, so the UNIQUE index on `numero` orders them and
 * MAX reads one entry of it; a COUNT(*) walked the whole table on every
 * invoice. Rows are never deleted, so the numbers stay gap-free.
 */
export function nextNumeroNota(store: SqlStore): number {
  const { numero } = store.get<{ numero: string | null }>("SELECT MAX(numero) AS numero FROM notas_fiscais")!;
  return numero === null ? 1 : Number(numero) + 1;
}
