/**
 * The gRPC transport against hostile and unlucky clients: bytes that do not
 * decode, frames cut short, messages over the limit, clients that vanish
 * mid-call and mid-stream, clients that stop reading. Each gets an answer (or
 * is cleaned up after), and the server keeps serving the next call.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { after, before, describe, it } from "node:test";
import { Client, credentials, type ServiceError } from "@grpc/grpc-js";
import { sleep } from "../../src/core/clock.js";
import { CountRequest, EchoRequest, SleepRequest } from "../../src/gen/lab/v1/conformance.js";
import { ConformanceDefinition } from "../../src/gen/lab/v1/conformance.js";
import { createClient } from "../../src/transports/client.js";
import { Code } from "../../src/transports/codes.js";
import { createGrpcTransport } from "../../src/transports/grpc/index.js";
import { GENERIC_ERROR_MESSAGE } from "../../src/transports/rpc-error.js";
import { systemClock } from "../../src/transports/system-clock.js";
import { SECRET_DETAIL } from "../conformance/conformance-service.js";
import { waitFor } from "../conformance/harness.js";
import { rejectsWith } from "../support/rpc-asserts.js";
import { grpcFrame, rawCall, startGrpc, type GrpcFixture } from "./helpers.js";

const T = { timeout: 10_000 };
const ECHO = "/lab.v1.Conformance/Echo";
const LIMIT = 256 * 1024;

/** Sends `bytes` as the request of `path` through grpc-js with no serializer at all; resolves with the call's error (or null). */
function sendRawBytes(client: Client, path: string, bytes: Uint8Array): Promise<ServiceError | null> {
  return new Promise((resolve) => {
    const identity = (b: Buffer) => b;
    client.makeUnaryRequest(path, identity, identity, Buffer.from(bytes), { deadline: new Date(Date.now() + 5000) }, (error) => resolve(error));
  });
}


describe("grpc transport: hostile input", () => {
  let fx: GrpcFixture;
  let raw: Client;
  const stillServing = async () => assert.equal((await fx.client.echo({ text: "still here" })).text, "still here");

  before(async () => {
    fx = await startGrpc({ maxMessageBytes: LIMIT });
    raw = new Client(fx.server.address, credentials.createInsecure());
  });
  after(async () => {
    raw?.close();
    await fx?.close();
  });

  it("answers garbage request bytes with INTERNAL, without running the handler", T, async () => {
    const before = fx.service.calls.length;
    // Field 1 with wire type 7, which does not exist: no protobuf decoder accepts it.
    const error = await sendRawBytes(raw, ECHO, Uint8Array.from([0x0f, 0xff, 0xff, 0xff, 0x13, 0x37]));
    assert.equal(error?.code, Code.INTERNAL);
    assert.equal(fx.service.calls.length, before, "the handler never saw it");
    await stillServing();
  });

  it("answers a truncated protobuf message with INTERNAL", T, async () => {
    // The text field says 12 bytes follow; only 9 do.
    const whole = EchoRequest.encode(EchoRequest.fromPartial({ text: "hello, world" })).finish();
    const error = await sendRawBytes(raw, ECHO, whole.subarray(0, whole.length - 3));
    assert.equal(error?.code, Code.INTERNAL);
    await stillServing();
  });

  it("answers a gRPC frame cut short, a missing message and an unknown compression with an error status", T, async () => {
    const cut = rawCall(fx.server.address, ECHO, grpcFrame(Buffer.from("0123456789"), 100));
    const empty = rawCall(fx.server.address, ECHO, Buffer.alloc(0));
    const compressed = rawCall(fx.server.address, ECHO, grpcFrame(Buffer.from("ab"), 2, true));
    // grpc-js answers a request with no whole message UNIMPLEMENTED ("Received no request message").
    for (const call of [cut, empty]) {
      const status = await call.status;
      assert.ok(status.code === Code.UNIMPLEMENTED || status.code === Code.INTERNAL, `status ${status.code} ${status.message}`);
      call.session.close();
    }
    assert.equal((await compressed.status).code, Code.INTERNAL);
    compressed.session.close();
    await stillServing();
  });

  it("answers a request over the server's size limit with RESOURCE_EXHAUSTED", T, async () => {
    const roomy = createGrpcTransport({ address: fx.server.address, maxMessageBytes: 8 * LIMIT });
    try {
      const client = createClient(ConformanceDefinition, roomy);
      await rejectsWith(client.echo({ payload: new Uint8Array(LIMIT + 1024) }), Code.RESOURCE_EXHAUSTED);
      assert.equal((await client.echo({ payload: new Uint8Array(LIMIT / 2) })).payload.length, LIMIT / 2, "under the limit is fine");
    } finally {
      roomy.close();
    }
    // The client's own limit (4 MiB by default) stops a larger message before it leaves.
    await rejectsWith(fx.client.echo({ payload: new Uint8Array(5 * 1024 * 1024) }), Code.RESOURCE_EXHAUSTED);
    await stillServing();
  });

  it("cancels the handler of a client that disconnects mid-call", T, async () => {
    const tag = "vanish-unary";
    const call = rawCall(fx.server.address, "/lab.v1.Conformance/Sleep", grpcFrame(SleepRequest.encode(SleepRequest.fromPartial({ ms: 10_000, tag })).finish()));
    await waitFor(() => fx.service.sleeps.has(tag), "the handler starts");
    call.session.destroy(); // the TCP connection goes away, no RST_STREAM, no goodbye
    await waitFor(() => fx.service.sleeps.get(tag)?.observedAbort === true, "the handler sees its signal abort");
    assert.equal(fx.service.sleeps.get(tag)!.abortCode, Code.CANCELLED);
    assert.equal(fx.service.sleeps.get(tag)!.completed, false);
    await stillServing();
  });

  it("stops the stream handler of a client that disconnects mid-stream", T, async () => {
    const tag = "vanish-stream";
    const call = rawCall(fx.server.address, "/lab.v1.Conformance/Count", grpcFrame(CountRequest.encode(CountRequest.fromPartial({ count: 100_000, delayMs: 5, tag })).finish()));
    await waitFor(() => (fx.service.counts.get(tag)?.produced ?? 0) >= 3 && call.received() > 0, "a few messages arrive");
    call.session.destroy();
    await waitFor(() => fx.service.counts.get(tag)?.finallyRan === true, "the handler's finally runs");
    const produced = fx.service.counts.get(tag)!.produced;
    await sleep(systemClock, 60);
    assert.equal(fx.service.counts.get(tag)!.produced, produced, "it produces nothing more");
    await stillServing();
  });

  it("holds a stream handler back while its client does not read (write waits for 'drain')", T, async () => {
    const tag = "slow-reader";
    const stream = fx.client.count({ count: 10_000_000, tag });
    const iterator = stream[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value?.n, 1);
    await waitFor(() => (fx.service.counts.get(tag)?.produced ?? 0) > 1, "the handler runs ahead a little");
    // The flow-control window (64 KiB) and the buffers fill, in a second or so at a few bytes a message; then production stops.
    let produced = -1;
    for (let i = 0; i < 40 && fx.service.counts.get(tag)!.produced !== produced; i++) {
      produced = fx.service.counts.get(tag)!.produced;
      await sleep(systemClock, 150);
    }
    await sleep(systemClock, 200);
    assert.equal(fx.service.counts.get(tag)!.produced, produced, "the handler waits while the client does not read");
    assert.ok(produced < 100_000, `it stalled at ${produced} messages, not at the end of the stream`);
    await iterator.return?.();
    await waitFor(() => fx.service.counts.get(tag)?.finallyRan === true, "the handler's finally runs once the client stops");
    await stillServing();
  });

  it("hands a handler's unexpected error to onUnexpectedError; the caller sees only UNKNOWN", T, async () => {
    const error = await rejectsWith(fx.client.crash({}), Code.UNKNOWN);
    assert.equal(error.message, GENERIC_ERROR_MESSAGE);
    const seen = fx.unexpected.at(-1);
    assert.equal(seen?.path, "/lab.v1.Conformance/Crash");
    assert.equal((seen?.error as Error).message, SECRET_DETAIL);
  });
});

describe("grpc transport: listening", () => {
  it("binds 127.0.0.1 by default, so other interfaces are refused", T, async () => {
    const fx = await startGrpc();
    try {
      assert.match(fx.server.address, /^127\.0\.0\.1:\d+$/);
      assert.equal((await fx.client.echo({ text: "loopback" })).text, "loopback");
      const external = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
      if (external !== undefined) {
        const refused = await new Promise<boolean>((resolve) => {
          const socket = connect({ host: external, port: fx.server.port });
          socket.once("connect", () => (socket.destroy(), resolve(false)));
          socket.once("error", () => resolve(true));
        });
        assert.ok(refused, `${external}:${fx.server.port} accepted a connection`);
      }
    } finally {
      await fx.close();
    }
  });

  it("closes with calls in flight: past the shutdown timeout they end UNAVAILABLE and their handlers stop", T, async () => {
    const fx = await startGrpc({ shutdownTimeoutMs: 100 });
    try {
      const unary = fx.client.sleep({ ms: 10_000, tag: "in-flight" });
      unary.catch(() => {}); // checked below, once the server is closed
      const got: number[] = [];
      const stream = (async () => {
        for await (const m of fx.client.count({ count: 100_000, delayMs: 10, tag: "in-flight" })) got.push(m.n);
      })();
      stream.catch(() => {});
      await waitFor(() => fx.service.sleeps.has("in-flight") && got.length >= 2, "both calls are under way");
      const started = Date.now();
      await fx.server.close();
      assert.ok(Date.now() - started < 2000, `close took ${Date.now() - started} ms`);
      assert.equal((await rejectsWith(unary, Code.UNAVAILABLE)).message, "server shutting down");
      await rejectsWith(stream, Code.UNAVAILABLE);
      await waitFor(() => fx.service.sleeps.get("in-flight")?.observedAbort === true, "the unary handler sees its signal abort");
      await waitFor(() => fx.service.counts.get("in-flight")?.finallyRan === true, "the stream handler's finally runs");
      await rejectsWith(fx.client.echo({}), Code.UNAVAILABLE);
    } finally {
      await fx.close();
    }
  });
});
