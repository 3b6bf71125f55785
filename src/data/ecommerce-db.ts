import { SqlStore } from "../core/store/sql-store.js";
import type { SqlRow } from "../core/store/sql-store.js";
import type { SqlValue } from "sql.js";
import { generateDataset } from "./synthetic.js";
import type { DatasetOptions, SyntheticCatalog } from "./synthetic.js";

/** The seven tables of the seed's ecommerce.db, in creation order. */
export const ECOMMERCE_TABLES = [
  "clientes",
  "produtos",
  "pedidos",
  "itens_pedido",
  "pagamentos",
  "notas_fiscais",
  "envios",
] as const;

/** One of the seed's table names. */
export type EcommerceTable = (typeof ECOMMERCE_TABLES)[number];

// The seed's DDL, verbatim apart from whitespace.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS clientes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  nome TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS produtos (
  id INTEGER PRIMARY KEY,
  nome TEXT NOT NULL,
  preco REAL NOT NULL,
  quantidade_estoque INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pedidos (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  cliente_id INTEGER NOT NULL,
  data_criacao TEXT NOT NULL,
  status TEXT NOT NULL, -- Ex: 'pendente', 'pagamento_aprovado', 'em_separacao', 'nf_emitida', 'enviado', 'cancelado'
  valor_total REAL,
  FOREIGN KEY (cliente_id) REFERENCES clientes (id)
);
CREATE TABLE IF NOT EXISTS itens_pedido (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pedido_id INTEGER NOT NULL,
  produto_id INTEGER NOT NULL,
  quantidade INTEGER NOT NULL,
  preco_unitario REAL NOT NULL,
  FOREIGN KEY (pedido_id) REFERENCES pedidos (id),
  FOREIGN KEY (produto_id) REFERENCES produtos (id)
);
CREATE TABLE IF NOT EXISTS pagamentos (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pedido_id INTEGER NOT NULL UNIQUE, -- Geralmente 1 pagamento por pedido
  data_processamento TEXT NOT NULL,
  status TEXT NOT NULL, -- Ex: 'aprovado', 'rejeitado', 'pendente'
  metodo TEXT,
  FOREIGN KEY (pedido_id) REFERENCES pedidos (id)
);
CREATE TABLE IF NOT EXISTS notas_fiscais (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pedido_id INTEGER NOT NULL UNIQUE,
  numero TEXT NOT NULL UNIQUE,
  data_emissao TEXT NOT NULL,
  chave_acesso TEXT,
  FOREIGN KEY (pedido_id) REFERENCES pedidos (id)
);
CREATE TABLE IF NOT EXISTS envios (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pedido_id INTEGER NOT NULL UNIQUE,
  nota_fiscal_id INTEGER NOT NULL UNIQUE,
  data_despacho TEXT,
  codigo_rastreamento TEXT,
  status TEXT NOT NULL, -- Ex: 'aguardando_envio', 'enviado', 'entregue'
  FOREIGN KEY (pedido_id) REFERENCES pedidos (id),
  FOREIGN KEY (nota_fiscal_id) REFERENCES notas_fiscais (id)
);
`;

/** Builds the seed's ecommerce.db from `opts.seed` and returns the SQLite file bytes (defaults 50/30/100; same seed, same bytes). */
export async function generateEcommerceDb(opts: DatasetOptions): Promise<Uint8Array> {
  const data = generateDataset(opts);
  const store = await SqlStore.open();
  try {
    store.exec(SCHEMA);
    store.tx(() => {
      for (const c of data.clientes) {
        store.run("INSERT INTO clientes (id, nome, email) VALUES (?, ?, ?)", [c.id, c.nome, c.email]);
      }
      for (const p of data.produtos) {
        store.run("INSERT INTO produtos (id, nome, preco, quantidade_estoque) VALUES (?, ?, ?, ?)", [
          p.id, p.nome, reais(p.precoCentavos), p.estoque,
        ]);
      }
      for (const p of data.pedidos) {
        store.run("INSERT INTO pedidos (id, cliente_id, data_criacao, status, valor_total) VALUES (?, ?, ?, ?, ?)", [
          p.id, p.clienteId, p.dataCriacao, p.status, reais(p.valorTotalCentavos),
        ]);
      }
      for (const i of data.itens) {
        store.run(
          "INSERT INTO itens_pedido (id, pedido_id, produto_id, quantidade, preco_unitario) VALUES (?, ?, ?, ?, ?)",
          [i.id, i.pedidoId, i.produtoId, i.quantidade, reais(i.precoUnitarioCentavos)],
        );
      }
      for (const p of data.pagamentos) {
        store.run(
          "INSERT INTO pagamentos (id, pedido_id, data_processamento, status, metodo) VALUES (?, ?, ?, ?, ?)",
          [p.id, p.pedidoId, p.dataProcessamento, p.status, p.metodo],
        );
      }
      for (const n of data.notasFiscais) {
        store.run(
          "INSERT INTO notas_fiscais (id, pedido_id, numero, data_emissao, chave_acesso) VALUES (?, ?, ?, ?, ?)",
          [n.id, n.pedidoId, n.numero, n.dataEmissao, n.chaveAcesso],
        );
      }
      for (const e of data.envios) {
        store.run(
          "INSERT INTO envios (id, pedido_id, nota_fiscal_id, data_despacho, codigo_rastreamento, status) VALUES (?, ?, ?, ?, ?, ?)",
          [e.id, e.pedidoId, e.notaFiscalId, e.dataDespacho, e.codigoRastreamento, e.status],
        );
      }
    });
    return store.export();
  } finally {
    store.close();
  }
}

/** Reads clientes and produtos back from an ecommerce.db file; throws naming the missing table or column. */
export async function readCatalog(bytes: Uint8Array): Promise<SyntheticCatalog> {
  const store = await openChecked(bytes, {
    clientes: ["id", "nome", "email"],
    produtos: ["id", "nome", "preco", "quantidade_estoque"],
  });
  try {
    const clientes = store.all("SELECT id, nome, email FROM clientes ORDER BY id").map((r) => ({
      id: int(r, "clientes", "id"),
      nome: text(r, "clientes", "nome"),
      email: text(r, "clientes", "email"),
    }));
    const produtos = store.all("SELECT id, nome, preco, quantidade_estoque FROM produtos ORDER BY id").map((r) => ({
      id: int(r, "produtos", "id"),
      nome: text(r, "produtos", "nome"),
      precoCentavos: Math.round(num(r, "produtos", "preco") * 100),
      estoque: int(r, "produtos", "quantidade_estoque"),
    }));
    return { clientes, produtos };
  } finally {
    store.close();
  }
}

/** Row counts of the seven tables of an ecommerce.db file. */
export async function countRows(bytes: Uint8Array): Promise<Record<EcommerceTable, number>> {
  const store = await openChecked(bytes, Object.fromEntries(ECOMMERCE_TABLES.map((t) => [t, []])));
  try {
    const counts = {} as Record<EcommerceTable, number>;
    for (const t of ECOMMERCE_TABLES) counts[t] = Number(store.get(`SELECT count(*) AS n FROM ${t}`)?.["n"]);
    return counts;
  } finally {
    store.close();
  }
}

/** Money is generated in centavos; the seed's REAL columns get reais, converted once here. */
function reais(centavos: number): number {
  return centavos / 100;
}

async function openChecked(bytes: Uint8Array, required: Record<string, readonly string[]>): Promise<SqlStore> {
  let store: SqlStore;
  try {
    store = await SqlStore.open(bytes);
  } catch (error) {
    throw new Error(`not an SQLite database: ${(error as Error).message}`);
  }
  try {
    for (const [table, columns] of Object.entries(required)) {
      let present: Set<string>;
      try {
        present = new Set(store.all(`PRAGMA table_info(${table})`).map((r) => String(r["name"])));
      } catch (error) {
        throw new Error(`not an SQLite database: ${(error as Error).message}`);
      }
      if (present.size === 0) throw new Error(`not an ecommerce database: missing table "${table}"`);
      for (const column of columns) {
        if (!present.has(column)) throw new Error(`not an ecommerce database: missing column "${table}.${column}"`);
      }
    }
    return store;
  } catch (error) {
    store.close();
    throw error;
  }
}

function badValue(table: string, column: string, v: SqlValue | undefined): never {
  throw new Error(`not an ecommerce database: bad value in ${table}.${column}: ${String(v)}`);
}

function int(row: SqlRow, table: string, column: string): number {
  const v = row[column];
  return typeof v === "number" && Number.isInteger(v) ? v : badValue(table, column, v);
}

function num(row: SqlRow, table: string, column: string): number {
  const v = row[column];
  return typeof v === "number" && Number.isFinite(v) ? v : badValue(table, column, v);
}

function text(row: SqlRow, table: string, column: string): string {
  const v = row[column];
  return typeof v === "string" ? v : badValue(table, column, v);
}
