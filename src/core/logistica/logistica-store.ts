import { LEDGER_SCHEMA } from "../store/ledger.js";
import { SqlStore } from "../store/sql-store.js";

/** Shipment statuses: every one but `cancelado` is live. */
export type StatusEnvio = "aguardando_envio" | "enviado" | "entregue" | "cancelado";

/** logistica.db: at most one shipment per order and per invoice, as the seed. */
export const LOGISTICA_SCHEMA = `
CREATE TABLE IF NOT EXISTS envios (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pedido_id INTEGER NOT NULL UNIQUE,
  nota_fiscal_id INTEGER NOT NULL UNIQUE,
  data_despacho TEXT,
  codigo_rastreamento TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('aguardando_envio', 'enviado', 'entregue', 'cancelado')),
  cancelado_em TEXT
);${LEDGER_SCHEMA}`;

/** Opens logistica.db, new or from bytes. */
export async function openLogisticaStore(init: { bytes?: Uint8Array } = {}): Promise<SqlStore> {
  const store = await SqlStore.open(init.bytes);
  store.exec(LOGISTICA_SCHEMA);
  return store;
}
