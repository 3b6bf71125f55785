/**
 * A handler that calls a second gRPC server passing its own `context` hands on
 * what is left of its deadline, its cancellation and its metadata: over the
 * wire, as a gRPC timeout, a stream reset and headers.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sleep } from "../../src/core/clock.js";
import { ConformanceDefinition } from "../../src/gen/lab/v1/conformance.js";
import { clientRequest } from "../../src/transports/call-request.js";
import { requestAbort } from "../../src/transports/call-scope.js";
import { Code } from "../../src/transports/codes.js";
import { LazyAbort, lazyAbortOf } from "../../src/transports/lazy-abort.js";
import { RpcError } from "../../src/transports/rpc-error.js";
import { systemClock } from "../../src/transports/system-clock.js";
import { waitFor } from "../conformance/harness.js";
import { startGrpc, type GrpcFixture } from "./helpers.js";

const T = { timeout: 10_000 };
const clock = systemClock;
/** How long the upstream handler works before it calls downstream. */
const UPSTREAM_WORK_MS = 300;

describe("grpc transport: propagation through a handler that calls downstream", () => {
  let downstream: GrpcFixture;
  let upstream: GrpcFixture;
  before(async () => {
    downstream = await startGrpc();
    upstream = await startGrpc({}, () => ({
      // Works a while, then asks downstream, handing on its context.
      echo: async (request, context) => {
        await sleep(clock, UPSTREAM_WORK_MS, context.signal);
        return downstream.client.echo(request, context);
      },
      sleep: (request, context) => downstream.client.sleep(request, context),
      count: (request, context) => downstream.client.count(request, context),
    }));
  });
  after(async () => {
    await upstream?.close();
    await downstream?.close();
  });

  it("gives the downstream handler what is left of the deadline, not a fresh one", T, async () => {
    const response = await upstream.client.echo({ text: "via upstream" }, { deadline: clock.now() + 2000 });
    assert.equal(response.text, "via upstream");
    assert.equal(response.path, "/lab.v1.Conformance/Echo");
    const left = response.deadlineRemainingMs;
    assert.ok(left > 1000 && left <= 2000 - UPSTREAM_WORK_MS, `downstream saw ${left} ms left of 2000 after ${UPSTREAM_WORK_MS} ms upstream`);
  });

  it("lets the downstream handler see no deadline when the caller set none", T, async () => {
    assert.equal((await upstream.client.echo({})).deadlineRemainingMs, -1);
  });

  it("hands the caller's metadata on", T, async () => {
    const response = await upstream.client.echo({ metadataKey: "x-request-id" }, { metadata: { "x-request-id": "pedido-42" } });
    assert.equal(response.metadataValue, "pedido-42");
  });

  it("cancels the downstream handler when the caller cancels upstream", T, async () => {
    const controller = new AbortController();
    const call = upstream.client.sleep({ ms: 10_000, tag: "chain-cancel" }, { signal: controller.signal });
    await waitFor(() => downstream.service.sleeps.has("chain-cancel"), "the downstream handler starts");
    controller.abort();
    await assert.rejects(call, (e: unknown) => e instanceof RpcError && e.code === Code.CANCELLED);
    await waitFor(() => downstream.service.sleeps.get("chain-cancel")?.observedAbort === true, "downstream sees the abort");
    assert.equal(downstream.service.sleeps.get("chain-cancel")!.abortCode, Code.CANCELLED);
  });

  it("expires the downstream handler at the caller's deadline", T, async () => {
    const started = clock.now();
    const call = upstream.client.sleep({ ms: 10_000, tag: "chain-deadline" }, { deadline: started + 200 });
    await assert.rejects(call, (e: unknown) => e instanceof RpcError && e.code === Code.DEADLINE_EXCEEDED);
    assert.ok(clock.now() - started < 1000, `answered after ${clock.now() - started} ms`);
    await waitFor(() => downstream.service.sleeps.get("chain-deadline")?.observedAbort === true, "downstream sees the abort");
    assert.equal(downstream.service.sleeps.get("chain-deadline")!.abortCode, Code.DEADLINE_EXCEEDED);
  });

  it("stops a downstream stream when the caller stops reading upstream", T, async () => {
    const got: number[] = [];
    for await (const m of upstream.client.count({ count: 1000, delayMs: 10, tag: "chain-stream" })) {
      got.push(m.n);
      if (m.n === 3) break;
    }
    assert.deepEqual(got, [1, 2, 3]);
    await waitFor(() => downstream.service.counts.get("chain-stream")?.finallyRan === true, "the downstream handler's finally runs");
  });
});

describe("grpc transport: a handler's context hands on its abort, not a signal", () => {
  it("a call the handler makes with its context watches the served call's LazyAbort, so no AbortSignal is made for it", T, async () => {
    let handed: LazyAbort | undefined;
    let watched: unknown;
    let spreadHanded: unknown = "not run";
    const fixture = await startGrpc({}, (service) => ({
      echo: async (request, context) => {
        handed = lazyAbortOf(context);
        spreadHanded = lazyAbortOf({ ...context });
        watched = requestAbort(clientRequest(ConformanceDefinition, ConformanceDefinition.methods.echo, context.path, request, context));
        return service.echo(request, context);
      },
    }));
    try {
      await fixture.client.echo({ text: "x" });
      assert.ok(handed instanceof LazyAbort, "the gRPC handler's context hands on its LazyAbort");
      assert.equal(watched, handed, "a request built from the context is watched through it");
      // A spread copy of the context is a plain object: it hands nothing on, and its calls watch their signal.
      assert.equal(spreadHanded, undefined);
    } finally {
      await fixture.close();
    }
  });
});
