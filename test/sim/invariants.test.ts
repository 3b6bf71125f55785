import { test } from "node:test";
import assert from "node:assert/strict";

import { openCatalogoStore } from "../../src/core/catalogo/catalogo-store.js";
import { ESTOQUE_SCHEMA, openEstoqueStore } from "../../src/core/estoque/estoque-store.js";
import { openFiscalStore } from "../../src/core/fiscal/fiscal-store.js";
import { openLogisticaStore } from "../../src/core/logistica/logistica-store.js";
import { PAGAMENTOS_SCHEMA, openPagamentosStore } from "../../src/core/pagamentos/pagamentos-store.js";
import { openPedidosStore } from "../../src/core/pedidos/pedidos-store.js";
import { SqlStore } from "../../src/core/store/sql-store.js";
import { checkInvariants, type CheckoutDatabases, type InvariantResult } from "../../src/sim/invariants.js";

const NAMES = ["stock", "at-most-once", "status-consistency", "money"] as const;
type Name = (typeof NAMES)[number];
const EM = "2024-01-01T00:00:00.000Z";

/**
 * A small consistent world:
 * - pedido 1 enviado (R$ 45,00): payment aprovado, reservation separado (2 x produto 1, 1 x produto 2), invoice emitida, shipment live;
 * - pedido 2 cancelado (R$ 30,00): payment estornado, reservation liberado (3 x produto 3), invoice and shipment cancelled;
 * - pedido 3 cancelado (R$ 10,00): payment rejeitado, nothing else;
 * - pedido 4 pendente (R$ 20,00): nothing yet;
 * - pedido 5 em_separacao (R$ 10,00): payment aprovado and reservation separado (1 x produto 1), a charge in flight.
 * Stock: produto 1 10 -> 7 (3 held), produto 2 5 -> 4 (1 held), produto 3 20 -> 20.
 */
async function world(planted: { pagamentos?: SqlStore; estoque?: SqlStore } = {}): Promise<CheckoutDatabases> {
  const catalogo = await openCatalogoStore({
    produtos: [
      { id: 1, nome: "Caneca", precoCentavos: 1000 },
      { id: 2, nome: "Camiseta", precoCentavos: 2500 },
      { id: 3, nome: "Caderno", precoCentavos: 1000 },
    ],
  });
  const pedidos = await openPedidosStore({ clientes: [{ id: 1, nome: "Ana", email: "ana@example.com" }] });
  const orders: [number, string, number][] = [
    [1, "enviado", 4500],
    [2, "cancelado", 3000],
    [3, "cancelado", 1000],
    [4, "pendente", 2000],
    [5, "em_separacao", 1000],
  ];
  for (const [id, status, valor] of orders) {
    pedidos.run(
      "INSERT INTO pedidos (id, cliente_id, data_criacao, criado_em_ms, status, valor_total_centavos, metodo_pagamento) VALUES (?, 1, ?, 0, ?, ?, 'pix')",
      [id, EM, status, valor],
    );
  }

  const pagamentos = planted.pagamentos ?? (await openPagamentosStore());
  const payments: [number, string, number][] = [
    [1, "aprovado", 4500],
    [2, "estornado", 3000],
    [3, "rejeitado", 1000],
    [5, "aprovado", 1000],
  ];
  for (const [pedido, status, valor] of payments) insertPayment(pagamentos, pedido, status, valor);

  const estoque = planted.estoque ?? (await openEstoqueStore({}));
  for (const [produto, quantidade, inicial] of [
    [1, 7, 10],
    [2, 4, 5],
    [3, 20, 20],
  ]) {
    estoque.run("INSERT INTO estoque (produto_id, quantidade, quantidade_inicial) VALUES (?, ?, ?)", [produto!, quantidade!, inicial!]);
  }
  const reservas: [number, string, [number, number][]][] = [
    [1, "separado", [[1, 2], [2, 1]]],
    [2, "liberado", [[3, 3]]],
    [5, "separado", [[1, 1]]],
  ];
  for (const [pedido, status, itens] of reservas) {
    estoque.run("INSERT INTO reservas (pedido_id, status, criado_em, atualizado_em) VALUES (?, ?, ?, ?)", [pedido, status, EM, EM]);
    for (const [produto, q] of itens) estoque.run("INSERT INTO itens_reserva (pedido_id, produto_id, quantidade) VALUES (?, ?, ?)", [pedido, produto, q]);
  }

  const fiscal = await openFiscalStore();
  insertInvoice(fiscal, 1, 1, "emitida", 4500);
  insertInvoice(fiscal, 2, 2, "cancelada", 3000);

  const logistica = await openLogisticaStore();
  insertShipment(logistica, 1, 1, "aguardando_envio");
  insertShipment(logistica, 2, 2, "cancelado");

  return { pedidos, pagamentos, estoque, fiscal, logistica, catalogo };
}

function insertPayment(store: SqlStore, pedido: number, status: string, valor: number): void {
  store.run(
    "INSERT INTO pagamentos (pedido_id, data_processamento, status, metodo, valor_centavos, estornado_em) VALUES (?, ?, ?, 'pix', ?, ?)",
    [pedido, EM, status, valor, status === "estornado" ? EM : null],
  );
}

function insertInvoice(store: SqlStore, id: number, pedido: number, status: string, valor: number): void {
  store.run(
    "INSERT INTO notas_fiscais (id, pedido_id, numero, data_emissao, chave_acesso, valor_centavos, status) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [id, pedido, String(id).padStart(9, "0"), EM, String(id).padStart(44, "0"), valor, status],
  );
}

function insertShipment(store: SqlStore, pedido: number, notaId: number, status: string): void {
  store.run("INSERT INTO envios (pedido_id, nota_fiscal_id, codigo_rastreamento, status) VALUES (?, ?, ?, ?)", [
    pedido,
    notaId,
    `AA${String(pedido).padStart(9, "0")}BR`,
    status,
  ]);
}

/** pagamentos.db with the same columns but no UNIQUE (nor CHECK) constraints. */
async function unconstrainedPagamentos(): Promise<SqlStore> {
  const store = await SqlStore.open();
  store.exec(`CREATE TABLE pagamentos (
    id INTEGER PRIMARY KEY AUTOINCREMENT, pedido_id INTEGER NOT NULL, data_processamento TEXT NOT NULL,
    status TEXT NOT NULL, metodo TEXT NOT NULL, valor_centavos INTEGER NOT NULL, motivo TEXT, estornado_em TEXT)`);
  store.exec(PAGAMENTOS_SCHEMA); // IF NOT EXISTS: keeps the table above, adds the ledger
  return store;
}

/** estoque.db whose `estoque` table has no CHECK constraints. */
async function unconstrainedEstoque(): Promise<SqlStore> {
  const store = await SqlStore.open();
  store.exec("CREATE TABLE estoque (produto_id INTEGER PRIMARY KEY, quantidade INTEGER NOT NULL, quantidade_inicial INTEGER NOT NULL)");
  store.exec(ESTOQUE_SCHEMA);
  return store;
}

function byName(results: InvariantResult[]): Record<Name, InvariantResult> {
  assert.deepEqual(
    results.map((r) => r.name),
    [...NAMES],
  );
  return Object.fromEntries(results.map((r) => [r.name, r])) as Record<Name, InvariantResult>;
}

/** Asserts exactly the `failing` invariants fail, and each failure's detail matches its patterns. */
function expectOutcome(dbs: CheckoutDatabases, failing: Partial<Record<Name, readonly RegExp[]>>): Record<Name, InvariantResult> {
  const results = byName(checkInvariants(dbs));
  for (const name of NAMES) {
    const r = results[name];
    const patterns = failing[name];
    assert.equal(r.ok, patterns === undefined, `${name}: ${r.detail}`);
    for (const p of patterns ?? []) assert.match(r.detail, p);
  }
  return results;
}

test("a consistent world passes all four invariants, with counts in the details", async () => {
  const results = expectOutcome(await world(), {});
  assert.match(results.stock.detail, /3 products, none negative, 4 units held by 2 live orders/);
  assert.match(results["at-most-once"].detail, /4 payments, 3 reservations, 2 invoices, 2 shipments/);
  assert.match(results["status-consistency"].detail, /1 shipped order .*2 cancelled orders .*2 non-terminal/);
  assert.match(results.money.detail, /charged R\$ 55,00, owed R\$ 55,00 by 1 shipped order \+ 1 in flight/);
});

test("a double charge breaks at-most-once (and money), naming the order", async () => {
  const pagamentos = await unconstrainedPagamentos();
  const dbs = await world({ pagamentos });
  insertPayment(pagamentos, 1, "aprovado", 4500);
  expectOutcome(dbs, {
    "at-most-once": [/^1 violation: pedido 1: 2 payments$/],
    money: [/pedido 1: enviado, charged R\$ 90,00 in 2 approved payments for R\$ 45,00 owed/, /charged R\$ 100,00, owed R\$ 55,00/],
  });
});

test("negative stock breaks stock, naming the product", async () => {
  const estoque = await unconstrainedEstoque();
  const dbs = await world({ estoque });
  // 1 unit held by pedido 1: -1 + 1 = 0 initial, so only the sign is wrong.
  estoque.run("UPDATE estoque SET quantidade = -1, quantidade_inicial = 0 WHERE produto_id = 2");
  expectOutcome(dbs, { stock: [/^1 violation: produto 2: negative stock \(quantidade -1, inicial 0\)$/] });
});

test("stock that leaked breaks stock, naming the product", async () => {
  const dbs = await world();
  dbs.estoque.run("UPDATE estoque SET quantidade = 6 WHERE produto_id = 1");
  expectOutcome(dbs, { stock: [/produto 1: initial 10 ≠ 6 in stock \+ 3 held \(1 unit leaked\)/] });
});

test("a reservation item for an unknown product breaks stock", async () => {
  const dbs = await world();
  dbs.estoque.run("INSERT INTO itens_reserva (pedido_id, produto_id, quantidade) VALUES (5, 42, 2)");
  expectOutcome(dbs, { stock: [/pedido 5: reservation item names unknown produto 42 \(2 units\)/] });
});

test("an uncompensated cancel breaks status-consistency and money", async () => {
  const dbs = await world();
  dbs.pagamentos.run("UPDATE pagamentos SET status = 'aprovado', estornado_em = NULL WHERE pedido_id = 2");
  expectOutcome(dbs, {
    "status-consistency": [/^1 violation: pedido 2: cancelado but payment aprovado \(R\$ 30,00 still charged\)$/],
    money: [/pedido 2: cancelado but R\$ 30,00 still charged/],
  });
});

test("a cancelled order still holding stock, invoice and shipment breaks status-consistency", async () => {
  const dbs = await world();
  dbs.estoque.run("UPDATE reservas SET status = 'separado' WHERE pedido_id = 2");
  dbs.estoque.run("UPDATE estoque SET quantidade = 17 WHERE produto_id = 3"); // keep the stock balance right
  dbs.fiscal.run("UPDATE notas_fiscais SET status = 'emitida' WHERE pedido_id = 2");
  dbs.logistica.run("UPDATE envios SET status = 'enviado' WHERE pedido_id = 2");
  expectOutcome(dbs, {
    "status-consistency": [
      /pedido 2: cancelado but reservation separado \(stock still held\), invoice 000000002 emitida, shipment AA000000002BR enviado/,
    ],
  });
});

test("an enviado order missing its invoice breaks status-consistency", async () => {
  const dbs = await world();
  dbs.fiscal.run("DELETE FROM notas_fiscais WHERE pedido_id = 1");
  expectOutcome(dbs, { "status-consistency": [/^1 violation: pedido 1: enviado but no invoice$/] });
});

test("a payment amount different from the order value breaks money", async () => {
  const dbs = await world();
  dbs.pagamentos.run("UPDATE pagamentos SET valor_centavos = 4000 WHERE pedido_id = 1");
  expectOutcome(dbs, {
    money: [/^1 violation \(charged R\$ 50,00, owed R\$ 55,00\): pedido 1: payment aprovado of R\$ 40,00 but order total R\$ 45,00$/],
  });
});

test("a shipment for an unknown order breaks status-consistency", async () => {
  const dbs = await world();
  insertShipment(dbs.logistica, 99, 99, "aguardando_envio");
  expectOutcome(dbs, {
    "status-consistency": [/^1 violation: pedido 99: shipment aguardando_envio for an order pedidos.db does not know$/],
  });
});

test("a failing detail counts every violation but names only the first five", async () => {
  const dbs = await world();
  for (let id = 101; id <= 107; id++) insertShipment(dbs.logistica, id, id, "enviado");
  const { "status-consistency": r } = expectOutcome(dbs, { "status-consistency": [/^7 violations: pedido 101: .*pedido 105: .*; and 2 more$/] });
  assert.doesNotMatch(r.detail, /pedido 106/);
});

test("a check that cannot run fails instead of throwing", async () => {
  const dbs = { ...(await world()), fiscal: await SqlStore.open() };
  const results = byName(checkInvariants(dbs));
  assert.equal(results["at-most-once"].ok, false);
  assert.match(results["at-most-once"].detail, /^check could not run: .*notas_fiscais/);
  assert.equal(results.stock.ok, true);
  assert.equal(results.money.ok, true);
});
