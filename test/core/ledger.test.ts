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
  assert.equal(first.cancelledReason(7), undefined);
  const replica = new Ledger(store, clock);
  assert.equal(replica.cancelledReason(7), undefined, "asked before the mark");
  first.markCancelled(7, "cliente desistiu");
  assert.equal(replica.cancelledReason(7), "cliente desistiu");
  assert.equal(new Ledger(store, clock).cancelledReason(7), "cliente desistiu");
  assert.equal(first.cancelledReason(8), undefined);
  store.close();
});

test("a tombstone already in the file when the database opens is seen", async () => {
  const before = await ledgerStore();
  new Ledger(before, clock).markCancelled(3, "estoque insuficiente");
  const bytes = before.export();
  before.close();
  const after = await ledgerStore(bytes);
  assert.equal(new Ledger(after, clock).cancelledReason(3), "estoque insuficiente");
  after.close();
});

test("a mark whose transaction rolled back leaves no tombstone", async () => {
  const store = await ledgerStore();
  const ledger = new Ledger(store, clock);
  assert.throws(() =>
    store.tx(() => {
      ledger.markCancelled(5, "desfeito");
      throw new Error("rollback");
    }),
  );
  assert.equal(ledger.cancelledReason(5), undefined);
  ledger.markCancelled(5, "de verdade");
  assert.equal(ledger.cancelledReason(5), "de verdade");
  store.close();
});
