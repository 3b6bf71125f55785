import { LEDGER_SCHEMA } from "../store/ledger.js";
import { SqlStore } from "../store/sql-store.js";

/** pedidos.db: customers, orders, their items and every status change. */
export const PEDIDOS_SCHEMA = `
CREATE TABLE IF NOT EXISTS clientes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  nome TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS pedidos (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  cliente_id INTEGER NOT NULL REFERENCES clientes (id),
  data_criacao TEXT NOT NULL,
  criado_em_ms INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pendente', 'pagamento_aprovado', 'em_separacao', 'nf_emitida', 'enviado', 'entregue', 'cancelado')),
  valor_total_centavos INTEGER NOT NULL CHECK (valor_total_centavos >= 0),
  metodo_pagamento TEXT NOT NULL,
  motivo TEXT,
  chave_idempotencia TEXT UNIQUE,
  cancelamento_solicitado INTEGER NOT NULL DEFAULT 0,
  tentativas INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS itens_pedido (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pedido_id INTEGER NOT NULL REFERENCES pedidos (id),
  produto_id INTEGER NOT NULL,
  quantidade INTEGER NOT NULL CHECK (quantidade BETWEEN 1 AND 1000),
  preco_unitario_centavos INTEGER NOT NULL CHECK (preco_unitario_centavos >= 0),
  UNIQUE (pedido_id, produto_id)
);
CREATE TABLE IF NOT EXISTS historico_status (
  id INTEGER PRIMARY KEY, -- append-only, like operacoes: no AUTOINCREMENT
  pedido_id INTEGER NOT NULL REFERENCES pedidos (id),
  status TEXT NOT NULL,
  motivo TEXT,
  em_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS historico_por_pedido ON historico_status (pedido_id, id);
CREATE INDEX IF NOT EXISTS pedidos_por_status ON pedidos (status);${LEDGER_SCHEMA}`;

/** A customer as the catalog seeds it. */
export interface ClienteSeed {
  readonly id: number;
  readonly nome: string;
  readonly email: string;
}

/** Opens pedidos.db (from bytes, or new and seeded with `clientes`). */
export async function openPedidosStore(init: { bytes?: Uint8Array; clientes?: readonly ClienteSeed[] }): Promise<SqlStore> {
  const store = await SqlStore.open(init.bytes);
  store.exec(PEDIDOS_SCHEMA);
  store.tx(() => {
    for (const c of init.clientes ?? []) {
      store.run("INSERT INTO clientes (id, nome, email) VALUES (?, ?, ?)", [c.id, c.nome, c.email]);
    }
  });
  return store;
}
