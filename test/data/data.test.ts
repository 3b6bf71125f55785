import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, test } from "node:test";
import { SqlStore } from "../../src/core/store/sql-store.js";
import type { SqlRow } from "../../src/core/store/sql-store.js";
import { generateEcommerceDb, readCatalog } from "../../src/data/ecommerce-db.js";
import { generateCatalog, generateOrders } from "../../src/data/synthetic.js";

// The seed's schema (seeds/003, sql_create_*_table), written out by hand on purpose.
const SEED_SCHEMA: Record<string, string[]> = {
  clientes: ["id", "nome", "email"],
  produtos: ["id", "nome", "preco", "quantidade_estoque"],
  pedidos: ["id", "cliente_id", "data_criacao", "status", "valor_total"],
  itens_pedido: ["id", "pedido_id", "produto_id", "quantidade", "preco_unitario"],
  pagamentos: ["id", "pedido_id", "data_processamento", "status", "metodo"],
  notas_fiscais: ["id", "pedido_id", "numero", "data_emissao", "chave_acesso"],
  envios: ["id", "pedido_id", "nota_fiscal_id", "data_despacho", "codigo_rastreamento", "status"],
};
const SEED_TYPES: Record<string, string> = {
  "produtos.preco": "REAL",
  "pedidos.valor_total": "REAL",
  "itens_pedido.preco_unitario": "REAL",
  "produtos.quantidade_estoque": "INTEGER",
  "itens_pedido.quantidade": "INTEGER",
};
const ROOT = new URL("../../", import.meta.url).pathname;

/** Independent NF-e mod-11 check: weights 2..9 from the right, 10 and 11 become 0. */
function validChave(key: string): boolean {
  if (!/^\d{44}$/.test(key)) return false;
  let sum = 0;
  for (let i = 0; i < 43; i++) sum += Number(key[42 - i]) * (2 + (i % 8));
  const dv = 11 - (sum % 11);
  return (dv >= 10 ? 0 : dv) === Number(key[43]);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

describe("generateEcommerceDb", () => {
  let big: SqlStore;
  let all: <T extends SqlRow = SqlRow>(sql: string) => T[];

  before(async () => {
    big = await SqlStore.open(await generateEcommerceDb({ seed: 11, clientes: 200, produtos: 60, pedidos: 2000 }));
    all = (sql) => big.all(sql);
  });
  after(() => big.close());

  it("is byte-identical for the same seed and differs for another", async () => {
    const a = await generateEcommerceDb({ seed: 42 });
    const b = await generateEcommerceDb({ seed: 42 });
    const c = await generateEcommerceDb({ seed: 43 });
    assert.ok(sameBytes(a, b));
    assert.ok(!sameBytes(a, c));
    assert.equal(Buffer.from(a.subarray(0, 16)).toString("latin1"), "SQLite format 3\0");
  });

  it("has exactly the seed's seven tables, columns and money types", () => {
    const tables = all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    ).map((r) => r.name);
    assert.deepEqual(tables, Object.keys(SEED_SCHEMA).sort());
    for (const [table, columns] of Object.entries(SEED_SCHEMA)) {
      const info = all<{ name: string; type: string }>(`PRAGMA table_info(${table})`);
      assert.deepEqual(info.map((c) => c.name), columns, table);
      for (const c of info) {
        const expected = SEED_TYPES[`${table}.${c.name}`];
        if (expected) assert.equal(c.type, expected, `${table}.${c.name}`);
      }
    }
  });

  it("uses the default and requested row counts", async () => {
    const store = await SqlStore.open(await generateEcommerceDb({ seed: 1 }));
    const n = (t: string, s: SqlStore = store) => Number(s.get(`SELECT count(*) AS n FROM ${t}`)?.["n"]);
    assert.deepEqual([n("clientes"), n("produtos"), n("pedidos")], [50, 30, 100]);
    store.close();
    assert.deepEqual([n("clientes", big), n("produtos", big), n("pedidos", big)], [200, 60, 2000]);
  });

  it("has plausible proportions", () => {
    const one = (sql: string) => Number(all(sql)[0]?.["n"]);
    const pedidos = one("SELECT count(*) AS n FROM pedidos");
    const pagos = one("SELECT count(*) AS n FROM pagamentos");
    const aprovados = one("SELECT count(*) AS n FROM pagamentos WHERE status = 'aprovado'");
    const nfs = one("SELECT count(*) AS n FROM notas_fiscais");
    const envios = one("SELECT count(*) AS n FROM envios");
    const near = (actual: number, expected: number, label: string) =>
      assert.ok(Math.abs(actual - expected) <= 0.05, `${label}: ${actual.toFixed(3)} not within ${expected}±0.05`);
    near(pagos / pedidos, 0.8, "with payment");
    near(aprovados / pagos, 0.5, "approved");
    near(nfs / aprovados, 0.9, "invoiced");
    near(envios / nfs, 0.95, "shipped");
    const itens = all<{ n: number }>("SELECT count(*) AS n FROM itens_pedido GROUP BY pedido_id").map((r) => r.n);
    assert.ok(itens.every((n) => n >= 1 && n <= 5));
    assert.equal(one("SELECT count(*) AS n FROM itens_pedido WHERE quantidade NOT BETWEEN 1 AND 3"), 0);
    assert.equal(one("SELECT count(*) AS n FROM pagamentos WHERE metodo NOT IN ('cartao_credito','boleto','pix')"), 0);
  });

  it("keeps order status consistent with its history", () => {
    const rows = all<{ status: string; pag: string | null; nf: number | null; envio: string | null }>(`
      SELECT p.status, g.status AS pag, n.id AS nf, e.status AS envio FROM pedidos p
      LEFT JOIN pagamentos g ON g.pedido_id = p.id
      LEFT JOIN notas_fiscais n ON n.pedido_id = p.id
      LEFT JOIN envios e ON e.pedido_id = p.id`);
    for (const r of rows) {
      const expected =
        r.pag !== "aprovado" ? "pendente"
        : r.nf === null ? "pagamento_aprovado"
        : r.envio === null || r.envio === "aguardando_envio" ? "nf_emitida"
        : r.envio;
      assert.equal(r.status, expected, JSON.stringify(r));
    }
  });

  it("writes valid, unique access keys, invoice numbers and tracking codes", () => {
    const nfs = all<{ numero: string; chave_acesso: string }>("SELECT numero, chave_acesso FROM notas_fiscais");
    assert.ok(nfs.length > 0);
    for (const { chave_acesso } of nfs) assert.ok(validChave(chave_acesso), chave_acesso);
    assert.equal(new Set(nfs.map((r) => r.numero)).size, nfs.length);
    assert.equal(new Set(nfs.map((r) => r.chave_acesso)).size, nfs.length);
    const codes = all<{ c: string }>("SELECT codigo_rastreamento AS c FROM envios").map((r) => r.c);
    assert.ok(codes.every((c) => /^BR\d{9}PY$/.test(c)));
    assert.equal(new Set(codes).size, codes.length);
  });

  it("sums valor_total to the centavo and never repeats a product in an order", () => {
    const rows = all<{ id: number; valor_total: number; itens: number }>(`
      SELECT p.id, p.valor_total, sum(round(i.preco_unitario * 100) * i.quantidade) AS itens
      FROM pedidos p JOIN itens_pedido i ON i.pedido_id = p.id GROUP BY p.id`);
    assert.equal(rows.length, 2000);
    for (const r of rows) assert.equal(Math.round(r.valor_total * 100), r.itens, `pedido ${r.id}`);
    const dup = all("SELECT pedido_id FROM itens_pedido GROUP BY pedido_id, produto_id HAVING count(*) > 1");
    assert.deepEqual(dup, []);
  });

  it("dates every event after the previous one and before the reference date", () => {
    const rows = all<Record<string, string | null>>(`
      SELECT p.data_criacao AS a, g.data_processamento AS b, n.data_emissao AS c, e.data_despacho AS d
      FROM pedidos p LEFT JOIN pagamentos g ON g.pedido_id = p.id
      LEFT JOIN notas_fiscais n ON n.pedido_id = p.id LEFT JOIN envios e ON e.pedido_id = p.id`);
    for (const r of rows) {
      const dates = [r["a"], r["b"], r["c"], r["d"]].filter((d): d is string => d !== null);
      assert.deepEqual([...dates].sort(), dates);
      assert.ok(dates.every((d) => d <= "2025-06-01T00:00:00.000Z" && d >= "2025-03-03"));
    }
  });
});

describe("synthetic catalog", () => {
  it("round-trips through readCatalog", async () => {
    const catalog = generateCatalog(5, { clientes: 40, produtos: 25 });
    const read = await readCatalog(await generateEcommerceDb({ seed: 5, clientes: 40, produtos: 25, pedidos: 10 }));
    assert.deepEqual(read, catalog);
  });

  it("follows the seed's shapes and ranges", () => {
    const { clientes, produtos } = generateCatalog(9);
    assert.equal(clientes.length, 50);
    assert.equal(produtos.length, 30);
    assert.deepEqual(clientes.map((c) => c.id), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.ok(clientes.every((c, i) => new RegExp(`^cliente_${i}_[\\w.-]+@exemplo\\.com$`).test(c.email)));
    assert.equal(new Set(clientes.map((c) => c.email)).size, 50);
    for (const p of produtos) {
      assert.match(p.nome, /^Produto \S.* (Eletrônico|Vestuário|Livro|Alimento)$/);
      assert.ok(Number.isInteger(p.precoCentavos) && p.precoCentavos >= 1050 && p.precoCentavos <= 50099);
      assert.ok(Number.isInteger(p.estoque) && p.estoque >= 0 && p.estoque <= 100);
    }
  });

  it("keeps a seed's catalog independent of the order count", async () => {
    const catalog = generateCatalog(2);
    assert.deepEqual(await readCatalog(await generateEcommerceDb({ seed: 2, pedidos: 0 })), catalog);
    assert.deepEqual(await readCatalog(await generateEcommerceDb({ seed: 2, pedidos: 300 })), catalog);
  });

  it("rejects seeds and counts out of range", () => {
    assert.throws(() => generateCatalog(-1), /seed/);
    assert.throws(() => generateCatalog(1.5), /seed/);
    assert.throws(() => generateCatalog(1, { clientes: -1 }), /clientes/);
    assert.throws(() => generateOrders(1, { clientes: [], produtos: [] }, { pedidos: 1 }), /cliente/);
  });

  it("rejects a file that is not such a database, naming what is missing", async () => {
    const store = await SqlStore.open();
    store.exec("CREATE TABLE clientes (id INTEGER, nome TEXT, email TEXT); CREATE TABLE produtos (id INTEGER, nome TEXT)");
    const partial = store.export();
    store.close();
    await assert.rejects(readCatalog(partial), /produtos\.preco/);
    const empty = await SqlStore.open();
    const blank = empty.export();
    empty.close();
    await assert.rejects(readCatalog(blank), /missing table "clientes"/);
    await assert.rejects(readCatalog(new TextEncoder().encode("not a database at all, just some text bytes....")), /not an SQLite database/);
  });
});

describe("data CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "checkout-data-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    spawnSync("npx", ["tsx", "src/cli/data.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
  const cliAsync = (...args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile("npx", ["tsx", "src/cli/data.ts", ...args], { cwd: ROOT, timeout: 30_000 }, (_err, _out, stderr) =>
        resolve({ code: child.exitCode, stderr }),
      );
    });

  test("writes the database and a summary", async (t) => {
    const out = join(dir, "e.db");
    const run = cli("--out", out, "--seed", "3");
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /clientes=50 produtos=30 pedidos=100 itens_pedido=\d+ pagamentos=\d+ notas_fiscais=\d+ envios=\d+/);
    assert.deepEqual(readdirSync(dir), ["e.db"]);
    const catalog = await readCatalog(new Uint8Array(readFileSync(out)));
    assert.deepEqual(catalog, generateCatalog(3));

    if (spawnSync("which", ["sqlite3"]).status !== 0) {
      t.skip("sqlite3 binary not installed");
      return;
    }
    const tables = spawnSync("sqlite3", [out, ".tables"], { encoding: "utf8" });
    assert.equal(tables.status, 0, tables.stderr);
    assert.deepEqual(tables.stdout.split(/\s+/).filter(Boolean).sort(), Object.keys(SEED_SCHEMA).sort());
  });

  test("rejects a bad flag with exit code 2 and writes nothing", async () => {
    const out = join(dir, "bad.db");
    // Concurrently: each npx start-up costs over a second.
    const [bad, unknown] = await Promise.all([
      cliAsync("--out", out, "--seed", "3", "--pedidos=lots"),
      cliAsync("--out", out, "--seed", "3", "--bogus"),
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--pedidos/);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--bogus/);
    assert.ok(!existsSync(out));
    assert.ok(!readdirSync(dir).some((f) => f.startsWith("bad.db")));
  });
});
