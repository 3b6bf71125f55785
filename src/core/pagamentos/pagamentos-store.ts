import { LEDGER_SCHEMA } from "../store/ledger.js";
import { SqlStore } from "../store/sql-store.js";

/** Payment statuses: a charge is held only while `aprovado`. */
export type StatusPagamento = "aprovado" | "rejeitado" | "estornado";

/** pagamentos.db: at most one payment per order (UNIQUE pedido_id), as the seed. */
export const PAGAMENTOS_SCHEMA = `
CREATE TABLE IF NOT EXISTS pagamentos (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pedido_id INTEGER NOT NULL UNIQUE,
  data_processamento TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('aprovado', 'rejeitado', 'estornado')),
  metodo TEXT NOT NULL,
  valor_centavos INTEGER NOT NULL CHECK (valor_centavos >= 0),
  motivo TEXT,
  estornado_em TEXT
);${LEDGER_SCHEMA}`;

/** Opens pagamentos.db, new or from bytes. */
export async function openPagamentosStore(init: { bytes?: Uint8Array } = {}): Promise<SqlStore> {
  const store = await SqlStore.open(init.bytes);
  store.exec(PAGAMENTOS_SCHEMA);
  return store;
}
