import assert from "node:assert/strict";
import { test } from "node:test";
import type { Clock } from "../../src/core/clock.js";
import type { PedidosService } from "../../src/core/pedidos/pedidos-service.js";
import { RecoveryLoop } from "../../src/core/pedidos/recovery-loop.js";

/** A stand-in for Pedidos: `orders` maps id -> creation time (ms); drives and cancels settle when the test says. */
function fakePedidos(orders: Map<number, { createdAtMs: number; cancelRequested?: boolean }>) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: (() => void)[] = [];
  const settle = (what: string) => {
    calls.push(what);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    return new Promise<never>((resolve) => pending.push(() => (inFlight--, resolve(undefined as never))));
  };
  const pedidos = {
    nonTerminalOrders: () => [...orders.keys()],
    orderAge: (id: number) => ({ createdAtMs: orders.get(id)!.createdAtMs, cancelRequested: orders.get(id)!.cancelRequested ?? false }),
    drive: (id: number) => settle(`drive ${id}`),
    cancel: (id: number, motivo: string) => settle(`cancel ${id}: ${motivo}`),
  } as unknown as PedidosService;
  /** Settles every call made so far, then lets their continuations run. */
  const release = async () => {
    for (const done of pending.splice(0)) done();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { pedidos, calls, release, maxInFlight: () => maxInFlight };
}

const clock: Clock = { now: () => 100_000, setTimer: () => () => {} };

test("a pass drives every non-terminal order in id order, never more at once than its concurrency", async () => {
  const fake = fakePedidos(new Map([1, 2, 3, 4, 5].map((id) => [id, { createdAtMs: 99_000 }])));
  const loop = new RecoveryLoop({ pedidos: fake.pedidos, clock, concurrency: 2 });
  const pass = loop.pass();
  for (let i = 0; i < 3; i++) await fake.release();
  await pass;
  assert.deepEqual(fake.calls, ["drive 1", "drive 2", "drive 3", "drive 4", "drive 5"]);
  assert.equal(fake.maxInFlight(), 2);
  assert.equal(loop.passes, 1);
});

test("a pass cancels, with the reason, the orders past their age or already being cancelled", async () => {
  const fake = fakePedidos(new Map([[7, { createdAtMs: 60_000 }], [8, { createdAtMs: 99_500, cancelRequested: true }], [9, { createdAtMs: 99_500 }]]));
  const loop = new RecoveryLoop({ pedidos: fake.pedidos, clock, maxAgeMs: 30_000 });
  const pass = loop.pass();
  await fake.release();
  await pass;
  assert.deepEqual(fake.calls, [
    "cancel 7: expirado: pedido sem conclusão após 40000 ms",
    "cancel 8: expirado: pedido sem conclusão após 500 ms",
    "drive 9",
  ]);
});

test("a pass with nothing to recover calls nothing and still counts", async () => {
  const fake = fakePedidos(new Map());
  const loop = new RecoveryLoop({ pedidos: fake.pedidos, clock });
  await loop.pass();
  assert.deepEqual(fake.calls, []);
  assert.equal(loop.passes, 1);
});
