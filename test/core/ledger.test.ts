import assert from "node:assert/strict";
import { test } from "node:test";
import type { Clock } from "../../src/core/clock.js";
import { Ledger, LEDGER_SCHEMA } from "../../src/core/store/ledger.js";
import { SqlStore } from "../../src/core/store/sql-store.js";

const clock: Clock = { now: () => 1_735_689_600_000, setTimer: () => () => {} };

async function ledgerStore(bytes?: Uint8Array): Promise<SqlStore> {
  const store = await SqlStore.open(bytes);
  store.exec(LEDGER_SCHEMA);
  return store;
}

test("a tombstone is seen by every Ledger on the same database: a replica's, and one made after a restart", async () => {
  const store = await ledgerStore();
  const first = new Ledger(store, clock);
  assert.equal(first.cancelledReason(7, ""), undefined);
  const replica = new Ledger(store, clock);
  assert.equal(replica.cancelledReason(7, ""), undefined, "asked before the mark");
  first.markCancelled(7, "cliente desistiu", "7@0");
  assert.equal(replica.cancelledReason(7, ""), "cliente desistiu");
  assert.equal(new Ledger(store, clock).cancelledReason(7, ""), "cliente desistiu");
  assert.equal(first.cancelledReason(8, ""), undefined);
  store.close();
});

test("a tombstone already in the file when the database opens is seen", async () => {
  const before = await ledgerStore();
  new Ledger(before, clock).markCancelled(3, "estoque insuficiente", "3@0");
  const bytes = before.export();
  before.close();
  const after = await ledgerStore(bytes);
  assert.equal(new Ledger(after, clock).cancelledReason(3, ""), "estoque insuficiente");
  after.close();
});

test("a mark whose transaction rolled back leaves no tombstone", async () => {
  const store = await ledgerStore();
  const ledger = new Ledger(store, clock);
  assert.throws(() =>
    store.tx(() => {
      ledger.markCancelled(5, "desfeito", "5@0");
      throw new Error("rollback");
    }),
  );
  assert.equal(ledger.cancelledReason(5, ""), undefined);
  ledger.markCancelled(5, "de verdade", "5@0");
  assert.equal(ledger.cancelledReason(5, ""), "de verdade");
  store.close();
});

test("a tombstone fences off calls with its token or none, not another order's that got the same id", async () => {
  const store = await ledgerStore();
  const ledger = new Ledger(store, clock);
  ledger.markCancelled(4, "cliente desistiu", "4@100");
  assert.equal(ledger.cancelledReason(4, "4@100"), "cliente desistiu");
  assert.equal(ledger.cancelledReason(4, ""), "cliente desistiu", "a caller without the token is fenced off too");
  assert.equal(ledger.cancelledReason(4, "4@999"), undefined, "another order with id 4");
  ledger.markCancelled(4, "segundo motivo", "4@100");
  assert.equal(ledger.cancelledReason(4, "4@100"), "cliente desistiu", "a second mark for the same order keeps the first reason");
  ledger.markCancelled(4, "pedido novo cancelado", "4@999");
  assert.equal(ledger.cancelledReason(4, "4@999"), "pedido novo cancelado", "the newer order's mark replaces it");
  assert.equal(ledger.cancelledReason(4, "4@100"), undefined);
  store.close();
});

test("a database from before tombstones had tokens gets the column, and its tombstones fence off every call", async () => {
  const old = await SqlStore.open();
  old.exec(LEDGER_SCHEMA.replace(",\n  token_pedido TEXT", ""));
  old.run("INSERT INTO pedidos_cancelados (pedido_id, motivo, em) VALUES (9, 'antigo', '2025-01-01T00:00:00.000Z')");
  const bytes = old.export();
  old.close();
  const store = await ledgerStore(bytes);
  const ledger = new Ledger(store, clock);
  assert.equal(ledger.cancelledReason(9, "9@5"), "antigo");
  ledger.markCancelled(10, "novo", "10@5");
  assert.equal(ledger.cancelledReason(10, "10@6"), undefined);
  assert.equal(ledger.cancelledReason(10, "10@5"), "novo");
  store.close();
});
