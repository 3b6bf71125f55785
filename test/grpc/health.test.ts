/** The standard grpc.health.v1.Health service every gRPC server of the lab answers. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { HealthCheckResponse_ServingStatus as Status, HealthDefinition } from "../../src/gen/grpc/health/v1/health.js";
import { createClient, type ClientOf } from "../../src/transports/client.js";
import { Code } from "../../src/transports/codes.js";
import { RpcError } from "../../src/transports/rpc-error.js";
import { waitFor } from "../conformance/harness.js";
import { startGrpc, type GrpcFixture } from "./helpers.js";

const T = { timeout: 10_000 };
const isCode = (code: Code) => (e: unknown) => e instanceof RpcError && e.code === code;

describe("grpc transport: health service", () => {
  let fx: GrpcFixture;
  let health: ClientOf<typeof HealthDefinition>;
  before(async () => {
    fx = await startGrpc();
    health = createClient(HealthDefinition, fx.transport);
  });
  after(async () => {
    await fx?.close();
  });

  it("answers SERVING for the server and for each service it serves", T, async () => {
    assert.equal((await health.check({ service: "" })).status, Status.SERVING);
    assert.equal((await health.check({ service: "lab.v1.Conformance" })).status, Status.SERVING);
  });

  it("answers NOT_FOUND for a service it does not serve", T, async () => {
    await assert.rejects(health.check({ service: "lab.v1.Nowhere" }), isCode(Code.NOT_FOUND));
  });

  it("reports a status change to Check and to Watch", T, async () => {
    const seen: Status[] = [];
    const controller = new AbortController();
    const watching = (async () => {
      for await (const m of health.watch({ service: "lab.v1.Conformance" }, { signal: controller.signal })) seen.push(m.status);
    })().catch((e: unknown) => e);
    await waitFor(() => seen.length === 1, "the current status arrives");
    fx.server.setServingStatus("lab.v1.Conformance", Status.NOT_SERVING);
    assert.equal((await health.check({ service: "lab.v1.Conformance" })).status, Status.NOT_SERVING);
    await waitFor(() => seen.length === 2, "the change arrives");
    fx.server.setServingStatus("lab.v1.Conformance", Status.SERVING);
    await waitFor(() => seen.length === 3, "the change back arrives");
    assert.deepEqual(seen, [Status.SERVING, Status.NOT_SERVING, Status.SERVING]);
    controller.abort();
    assert.ok(isCode(Code.CANCELLED)(await watching));
  });

  it("watches an unknown service as SERVICE_UNKNOWN", T, async () => {
    for await (const m of health.watch({ service: "lab.v1.Nowhere" })) {
      assert.equal(m.status, Status.SERVICE_UNKNOWN);
      break;
    }
  });
});

describe("grpc transport: health at shutdown and when turned off", () => {
  it("tells watchers NOT_SERVING and ends their streams when the server closes", T, async () => {
    const fx = await startGrpc();
    try {
      const health = createClient(HealthDefinition, fx.transport);
      const seen: Status[] = [];
      const watching = (async () => {
        for await (const m of health.watch({ service: "" })) seen.push(m.status);
      })();
      await waitFor(() => seen.length === 1, "the current status arrives");
      const started = Date.now();
      await fx.server.close();
      await watching;
      assert.deepEqual(seen, [Status.SERVING, Status.NOT_SERVING]);
      assert.ok(Date.now() - started < 1000, "a watch does not hold the shutdown up");
    } finally {
      await fx.close();
    }
  });

  it("is not served with `health: false`", T, async () => {
    const fx = await startGrpc({ health: false });
    try {
      await assert.rejects(createClient(HealthDefinition, fx.transport).check({ service: "" }), isCode(Code.UNIMPLEMENTED));
    } finally {
      await fx.close();
    }
  });
});
