import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CatalogoDefinition } from "../../src/gen/ecommerce/v1/catalogo.js";
import { runHelloDemoOnSim } from "../../src/sim/registry/hello-demo.js";
import { parseBalancerChoice, parseReplicaLayout, ReplicaInputError, replicaNodeNames } from "../../src/sim/replicas.js";
import { createClient } from "../../src/transports/client.js";
import { createInProcessTransport } from "../../src/transports/inproc/index.js";
import { balanced, type FailoverEvent } from "../../src/transports/middleware/balancer.js";
import { createServiceRegistry } from "../../src/transports/middleware/registry.js";
import { createReverseProxy } from "../../src/transports/middleware/reverse-proxy.js";
import { Code, fakeInstance, listRequest, newScheduler, rpc, runUntilSettled, servedBy } from "./helpers.js";

describe("replica layout and balancer flags", () => {
  test("parse what is right, name what is wrong", () => {
    assert.deepEqual(parseReplicaLayout("pagamentos=3,estoque=2"), { pagamentos: 3, estoque: 2 });
    assert.deepEqual(parseBalancerChoice("p2c"), { default: "p2c", perService: {} });
    assert.deepEqual(parseBalancerChoice("round-robin,pagamentos=least-outstanding"), { default: "round-robin", perService: { pagamentos: "least-outstanding" } });
    for (const [bad, message] of [
      ["pagamento=3", /unknown service "pagamento"/],
      ["pagamentos=0", /1\.\.16, got "0"/],
      ["pagamentos=17", /1\.\.16, got "17"/],
      ["pagamentos=2.5", /1\.\.16/],
      ["pagamentos", /expected SERVICE=COUNT/],
      ["pagamentos=2,pagamentos=3", /given twice/],
    ] as const) {
      assert.throws(() => parseReplicaLayout(bad), (e: unknown) => e instanceof ReplicaInputError && message.test(e.message), bad);
    }
    assert.throws(() => parseBalancerChoice("pagamentos=fastest"), /unknown balancer "fastest"/);
    assert.throws(() => parseBalancerChoice("x=p2c"), /unknown service "x"/);
    assert.deepEqual(replicaNodeNames("pagamentos", 3), ["pagamentos", "pagamentos-2", "pagamentos-3"]);
  });
});

describe("balancer failover: a refused call moves to another instance", () => {
  test("the secondary answers, the failed instance is told, and one instance alone just fails", async () => {
    const clock = newScheduler();
    const registry = createServiceRegistry({ clock });
    const a = fakeInstance("a", clock, { fail: () => rpc(Code.UNAVAILABLE, "refused") });
    const b = fakeInstance("b", clock);
    registry.register("s", { id: "a", transport: a });
    registry.register("s", { id: "b", transport: b });
    const moved: FailoverEvent[] = [];
    const transport = balanced({ service: "s", registry, failover: { onFailover: (event) => moved.push(event) } });
    assert.equal(servedBy(await runUntilSettled(clock, transport.call(listRequest()))), "b");
    assert.deepEqual(moved.map((m) => [m.from, m.error.code]), [["a", Code.UNAVAILABLE]]);
    // A failure that may have been applied (not UNAVAILABLE) is not moved.
    a.fail = () => rpc(Code.DEADLINE_EXCEEDED);
    b.fail = () => rpc(Code.DEADLINE_EXCEEDED);
    await assert.rejects(runUntilSettled(clock, transport.call(listRequest())), (e: unknown) => (e as { code: Code }).code === Code.DEADLINE_EXCEEDED);
    assert.equal(moved.length, 1);
    registry.close();
  });
});

describe("reverse proxy", () => {
  test("one in-process address in front of two replicas spreads the calls and forwards errors with their codes", async () => {
    const clock = newScheduler();
    const registry = createServiceRegistry({ clock });
    const replicas = ["r1", "r2"].map((id) => fakeInstance(id, clock));
    for (const replica of replicas) registry.register("catalogo", { id: replica.id, transport: replica });
    const proxy = createReverseProxy([CatalogoDefinition], balanced({ service: "catalogo", registry }));
    const client = createClient(CatalogoDefinition, createInProcessTransport(proxy, { clock }));
    const names = [];
    for (let i = 0; i < 4; i++) names.push((await runUntilSettled(clock, client.listarProdutos({}))).produtos[0]!.nome);
    assert.deepEqual(names, ["r1", "r2", "r1", "r2"]);
    replicas[0]!.fail = () => rpc(Code.NOT_FOUND, "nothing here");
    replicas[1]!.fail = () => rpc(Code.NOT_FOUND, "nothing here");
    await assert.rejects(runUntilSettled(clock, client.listarProdutos({})), (e: unknown) => (e as { code: Code }).code === Code.NOT_FOUND);
    registry.close();
  });
});

describe("npm run demo -- middleware, on the sim", () => {
  const run = async () => {
    const lines: string[] = [];
    const answers = await runHelloDemoOnSim((line) => lines.push(line));
    return { answers, lines };
  };

  test('"Hello" gets "World" before and after the primary dies; the fallback, the breaker and the registry say so, the same every run', async () => {
    const first = await run();
    assert.deepEqual(first.answers, Array(10).fill("World"));
    const text = first.lines.join("\n");
    assert.match(text, /call  1 +client: "Hello" -> "World" from hello-1/);
    assert.match(text, /kill +hello-1/);
    assert.match(text, /fallback +hello-1 failed \(UNAVAILABLE/);
    assert.match(text, /breaker +hello-1: closed -> open/);
    assert.match(text, /registry +hello-1 is down \(heartbeats missed\)/);
    assert.match(text, /call 10 +client: "Hello" -> "World" from hello-2/);
    assert.deepEqual((await run()).lines, first.lines);
  });
});
