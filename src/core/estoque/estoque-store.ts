import { LEDGER_SCHEMA } from "../store/ledger.js";
import { SqlStore } from "../store/sql-store.js";

/** Reservation statuses: `separado` holds stock; the others hold none. */
export type StatusReserva = "separado" | "recusado" | "liberado";

/** estoque.db: stock per product, and each order's reservation. */
export const ESTOQUE_SCHEMA = `
CREATE TABLE IF NOT EXISTS estoque (
  produto_id INTEGER PRIMARY KEY,
  quantidade INTEGER NOT NULL CHECK (quantidade >= 0),
  quantidade_inicial INTEGER NOT NULL CHECK (quantidade_inicial >= 0)
);
CREATE TABLE IF NOT EXISTS reservas (
  pedido_id INTEGER PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('separado', 'recusado', 'liberado')),
  motivo TEXT,
  criado_em TEXT NOT NULL,
  atualizado_em TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS itens_reserva (
  pedido_id INTEGER NOT NULL REFERENCES reservas (pedido_id),
  produto_id INTEGER NOT NULL,
  quantidade INTEGER NOT NULL CHECK (quantidade > 0),
  PRIMARY KEY (pedido_id, produto_id)
);${LEDGER_SCHEMA}`;

/** Opens estoque.db (from bytes, or new and seeded with each product's stock). */
export async function openEstoqueStore(init: {
  bytes?: Uint8Array;
  estoque?: readonly { readonly id: number; readonly estoque: number }[];
}): Promise<SqlStore> {
  const store = await SqlStore.open(init.bytes);
  store.exec(ESTOQUE_SCHEMA);
  store.tx(() => {
    for (const p of init.estoque ?? []) {
      store.run("INSERT INTO estoque (produto_id, quantidade, quantidade_inicial) VALUES (?, ?, ?)", [p.id, p.estoque, p.estoque]);
    }
  });
  return store;
}
