import { SqlStore } from "../../core/store/sql-store.js";

/**
 * hortifruti.db: one table, the products with price (integer centavos) and
 * stock. Names are unique ignoring ASCII case; the CHECKs are a last line of
 * defence behind the service's own checks.
 */
export const HORTIFRUTI_SCHEMA = `
CREATE TABLE IF NOT EXISTS produtos (
  id INTEGER PRIMARY KEY,
  nome TEXT NOT NULL UNIQUE COLLATE NOCASE,
  preco_centavos INTEGER NOT NULL CHECK (preco_centavos >= 0),
  estoque INTEGER NOT NULL CHECK (estoque >= 0)
);`;

/** A product as the store is seeded with it. */
export interface ProdutoSeed {
  readonly nome: string;
  readonly precoCentavos: number;
  readonly estoque: number;
}

/**
 * Seed 002's produce, in its listing order ("Maca: R$3.0, Estoque: 20", ...),
 * with the float reais turned into centavos.
 */
export const HORTIFRUTI_SEED: readonly ProdutoSeed[] = [
  { nome: "Maca", precoCentavos: 300, estoque: 20 },
  { nome: "Pera", precoCentavos: 500, estoque: 15 },
  { nome: "Banana", precoCentavos: 1000, estoque: 30 },
  { nome: "Caju", precoCentavos: 200, estoque: 60 },
];

/**
 * Opens hortifruti.db: from the bytes of an SQLite file as they are, or new and
 * seeded with `produtos` (default {@link HORTIFRUTI_SEED}).
 */
export async function openHortifrutiStore(init: { bytes?: Uint8Array; produtos?: readonly ProdutoSeed[] } = {}): Promise<SqlStore> {
  const store = await SqlStore.open(init.bytes);
  store.exec(HORTIFRUTI_SCHEMA);
  if (init.bytes === undefined) {
    store.tx(() => {
      for (const p of init.produtos ?? HORTIFRUTI_SEED) {
        store.run("INSERT INTO produtos (nome, preco_centavos, estoque) VALUES (?, ?, ?)", [p.nome, p.precoCentavos, p.estoque]);
      }
    });
  }
  return store;
}
