import assert from "node:assert/strict";
import { test } from "node:test";
import { applyInterceptors } from "../../src/transports/call.js";
import { balanced, leastOutstanding } from "../../src/transports/middleware/balancer.js";
import { hedge } from "../../src/transports/middleware/hedge.js";
import { createServiceRegistry } from "../../src/transports/middleware/registry.js";
import { Code, fakeInstance, listRequest, newScheduler, rpc, runUntilSettled, servedBy } from "./helpers.js";

const READS = (path: string) => path.endsWith("/ListarProdutos");

function setup(latencies: Record<string, number>) {
  const clock = newScheduler();
  const registry = createServiceRegistry({ clock });
  const instances = Object.entries(latencies).map(([id, latencyMs]) => fakeInstance(id, clock, { latencyMs }));
  for (const instance of instances) registry.register("catalogo", { id: instance.id, transport: instance });
  const transport = balanced({ service: "catalogo", registry, strategy: leastOutstanding() });
  const get = (id: string) => instances.find((i) => i.id === id)!;
  return { clock, registry, transport, get };
}

test("a slow first copy is hedged to another instance; the first answer wins and the loser is cancelled", async () => {
  const { clock, registry, transport, get } = setup({ a: 1000, b: 10 });
  const hedges: number[] = [];
  const call = applyInterceptors(transport.call, [hedge({ clock, hedgeAfterMs: 50, idempotent: READS, onHedge: (_, n) => hedges.push(n) })]);
  const response = await runUntilSettled(clock, call(listRequest()));
  assert.equal(servedBy(response), "b");
  assert.equal(clock.now(), 60);
  assert.deepEqual(hedges, [2]);
  assert.equal(get("a").cancelled, 1);
  assert.equal(transport.outstanding("a"), 0);
  assert.equal(clock.nextAt(), 1000, "only the registry's check is left"); // a's sleep timer was cancelled
  registry.close();
});

test("an answer before hedgeAfterMs sends no second copy; non-idempotent methods are never hedged", async () => {
  const { clock, registry, transport, get } = setup({ a: 20, b: 20 });
  const call = applyInterceptors(transport.call, [hedge({ clock, hedgeAfterMs: 50, idempotent: READS })]);
  assert.equal(servedBy(await runUntilSettled(clock, call(listRequest()))), "a");
  assert.equal(get("b").calls.length, 0);

  get("a").latencyMs = 500;
  const unsafe = applyInterceptors(transport.call, [hedge({ clock, hedgeAfterMs: 50 })]); // no method said idempotent
  assert.equal(servedBy(await runUntilSettled(clock, unsafe(listRequest()))), "b");
  await runUntilSettled(clock, unsafe(listRequest()));
  assert.equal(get("a").cancelled, 0);
  assert.equal(get("a").calls.length + get("b").calls.length, 3);
  registry.close();
});

test("an UNAVAILABLE copy is hedged at once; other errors end the call; all copies failing rejects", async () => {
  const { clock, registry, transport, get } = setup({ a: 0, b: 0 });
  get("a").fail = () => rpc(Code.UNAVAILABLE, "a down");
  const call = applyInterceptors(transport.call, [hedge({ clock, hedgeAfterMs: 50, idempotent: READS })]);
  assert.equal(servedBy(await runUntilSettled(clock, call(listRequest()))), "b");
  assert.equal(clock.now(), 0, "no waiting for the hedge delay");

  get("b").fail = () => rpc(Code.UNAVAILABLE, "b down");
  await assert.rejects(runUntilSettled(clock, call(listRequest())), { code: Code.UNAVAILABLE });

  get("a").fail = () => rpc(Code.NOT_FOUND, "gone");
  get("b").fail = undefined;
  const before = get("b").calls.length;
  await assert.rejects(runUntilSettled(clock, call(listRequest())), { code: Code.NOT_FOUND });
  assert.equal(get("b").calls.length, before);
  registry.close();
});

test("the caller cancelling cancels every copy", async () => {
  const { clock, registry, transport, get } = setup({ a: 1000, b: 1000 });
  const call = applyInterceptors(transport.call, [hedge({ clock, hedgeAfterMs: 50, idempotent: READS })]);
  const controller = new AbortController();
  clock.setTimer(100, () => controller.abort());
  await assert.rejects(runUntilSettled(clock, call(listRequest({ signal: controller.signal }))), { code: Code.CANCELLED });
  assert.equal(get("a").cancelled + get("b").cancelled, 2);
  registry.close();
});
