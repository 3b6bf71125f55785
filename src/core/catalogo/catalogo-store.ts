import { LEDGER_SCHEMA } from "../store/ledger.js";
import { SqlStore } from "../store/sql-store.js";

/** catalogo.db: product names and prices (stock lives in Estoque). */
export const CATALOGO_SCHEMA = `
CREATE TABLE IF NOT EXISTS produtos (
  id INTEGER PRIMARY KEY,
  nome TEXT NOT NULL,
  preco_centavos INTEGER NOT NULL CHECK (preco_centavos >= 0)
);${LEDGER_SCHEMA}`;

/** A product as the catalog seeds it. */
export interface ProdutoSeed {
  readonly id: number;
  readonly nome: string;
  readonly precoCentavos: number;
}

/** Opens catalogo.db (from bytes, or new and seeded with `produtos`). */
export async function openCatalogoStore(init: { bytes?: Uint8Array; produtos?: readonly ProdutoSeed[] }): Promise<SqlStore> {
  const store = await SqlStore.open(init.bytes);
  store.exec(CATALOGO_SCHEMA);
  store.tx(() => {
    for (const p of init.produtos ?? []) {
      store.run("INSERT INTO produtos (id, nome, preco_centavos) VALUES (?, ?, ?)", [p.id, p.nome, p.precoCentavos]);
    }
  });
  return store;
}
