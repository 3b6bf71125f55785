/**
 * The transport conformance suite: the same cases over every entry of
 * TRANSPORTS (harness.ts). A transport passes when a caller cannot tell it from
 * any other one: same values, same status codes and messages, same deadline and
 * cancellation behavior, and handlers that observe the same things.
 */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { sleep } from "../../src/core/clock.js";
import { ConformanceDefinition, EchoRequest } from "../../src/gen/lab/v1/conformance.js";
import type { CallRequest, Interceptor } from "../../src/transports/call.js";
import { createClient } from "../../src/transports/client.js";
import { Code, codeName } from "../../src/transports/codes.js";
import type { MethodDefinition } from "../../src/transports/definition.js";
import { tracing, type CallEvent } from "../../src/transports/middleware/tracing.js";
import { createRouter } from "../../src/transports/router.js";
import { GENERIC_ERROR_MESSAGE, RpcError } from "../../src/transports/rpc-error.js";
import { systemClock } from "../../src/transports/system-clock.js";
import { rejectsWith } from "../support/rpc-asserts.js";
import { SECRET_DETAIL } from "./conformance-service.js";
import { startConformance, TRANSPORTS, waitFor, type ConformanceFixture } from "./harness.js";

const clock = systemClock;
const T = { timeout: 10_000 };
const ECHO_PATH = "/lab.v1.Conformance/Echo";
const COUNT_PATH = "/lab.v1.Conformance/Count";


/** Drains a stream into an array. */
async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

/** Iterates `stream`, handing each item to `onItem`; rejects like the stream does. */
async function drain<T>(stream: AsyncIterable<T>, onItem: (item: T) => void): Promise<void> {
  for await (const item of stream) onItem(item);
}

/** `n` bytes of a recognizable pattern. */
function pattern(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

function assertSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  assert.ok(actual instanceof Uint8Array, "bytes arrive as a Uint8Array");
  assert.equal(actual.length, expected.length, "byte length");
  assert.ok(Buffer.compare(Buffer.from(actual), Buffer.from(expected)) === 0, "byte content");
}

/** Abort listeners currently on `signal`. */
const abortListeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

let tagSeq = 0;
const tag = (what: string) => `${what}-${++tagSeq}`;

for (const factory of TRANSPORTS) {
  describe(factory.name, () => {
    let fx: ConformanceFixture;
    before(async () => {
      fx = await startConformance(factory, clock);
    });
    after(async () => {
      await fx?.close();
    });

    describe("unary", () => {
      it("round-trips every field type: unicode text, int64 up to MAX_SAFE_INTEGER, 1 MiB bytes, repeated", T, async () => {
        const payload = pattern(1 << 20);
        const request = {
          text: "olá, mundo! ção 日本語 🛒🇧🇷 \u0000 end",
          number: Number.MAX_SAFE_INTEGER,
          payload,
          tags: ["pedidos", "", "estoque ✓", "x".repeat(1000)],
        };
        const response = await fx.client.echo(request);
        assert.equal(response.text, request.text);
        assert.equal(response.number, Number.MAX_SAFE_INTEGER);
        assertSameBytes(response.payload, payload);
        assert.deepEqual(response.tags, request.tags);
        assert.equal(response.path, ECHO_PATH);
      });

      it("round-trips the negative int64 limit and the default (empty) message", T, async () => {
        const low = await fx.client.echo({ number: Number.MIN_SAFE_INTEGER, text: "low" });
        assert.equal(low.number, Number.MIN_SAFE_INTEGER);
        const empty = await fx.client.echo({});
        assert.equal(empty.text, "");
        assert.equal(empty.number, 0);
        assertSameBytes(empty.payload, new Uint8Array(0));
        assert.deepEqual(empty.tags, []);
        assert.equal(empty.metadataValue, "");
      });

      it("round-trips every status code 1..16 with its message through Fail", T, async () => {
        for (const code of Object.values(Code).filter((c) => c !== Code.OK)) {
          const message = `failed with ${codeName(code)}: pedido 42 não encontrado ✗`;
          const error = await rejectsWith(fx.client.fail({ code, message }), code, message);
          assert.equal(error.name, "RpcError");
        }
      });

      it(
        "sends a handler's RpcError with code OK or outside 1..16 as UNKNOWN",
        {
          ...T,
        },
        async () => {
          for (const code of [0, 17, 99, -1]) {
            await rejectsWith(fx.client.fail({ code, message: `bad code ${code}` }), Code.UNKNOWN);
          }
        },
      );

      it("turns a plain Error into UNKNOWN with the generic message, leaking nothing", T, async () => {
        const error = await rejectsWith(fx.client.crash({}), Code.UNKNOWN, GENERIC_ERROR_MESSAGE);
        assert.doesNotMatch(inspect(error, { depth: 10 }), new RegExp(SECRET_DETAIL), "the caller sees no trace of the original error");
      });

      it("answers UNIMPLEMENTED for a method path no router has", T, async () => {
        const echo: MethodDefinition = ConformanceDefinition.methods.echo;
        for (const [fullName, name] of [["lab.v1.Nowhere", "Missing"], ["lab.v1.Conformance", "Missing"]] as const) {
          const method: MethodDefinition = { ...echo, name };
          const request: CallRequest = {
            service: { name: fullName.split(".").at(-1)!, fullName, methods: { missing: method } },
            method,
            path: `/${fullName}/${name}`,
            message: EchoRequest.fromPartial({ text: "anyone?" }),
            signal: new AbortController().signal,
            deadline: undefined,
            metadata: {},
          };
          await rejectsWith(fx.transport.call(request), Code.UNIMPLEMENTED);
        }
      });

      it("answers UNIMPLEMENTED for a method the implementation left out, unary and streaming", T, async () => {
        const service = fx.service;
        const router = createRouter().service(ConformanceDefinition, { echo: (request, context) => service.echo(request, context) });
        const started = await factory.start(router, { clock });
        try {
          const client = createClient(ConformanceDefinition, started.transport);
          assert.equal((await client.echo({ text: "still here" })).text, "still here");
          await rejectsWith(client.fail({ code: Code.NOT_FOUND, message: "x" }), Code.UNIMPLEMENTED);
          await rejectsWith(client.sleep({ ms: 1 }), Code.UNIMPLEMENTED);
          await rejectsWith(collect(client.count({ count: 3 })), Code.UNIMPLEMENTED);
        } finally {
          await started.close();
        }
      });

      it(
        "maps a request the server cannot decode to an RpcError (INTERNAL), never a raw decoder Error",
        {
          ...T,
        },
        async () => {
          // 2^53 encodes as an int64 but ts-proto (forceLong=number) refuses to decode it.
          const unsafe = Number.MAX_SAFE_INTEGER + 1;
          try {
            const response = await fx.client.echo({ number: unsafe });
            assert.equal(response.number, unsafe, "a transport that does not serialize must at least echo it exactly");
          } catch (error) {
            assert.ok(error instanceof RpcError, `expected an RpcError, got ${inspect(error)}`);
            assert.equal(codeName(error.code), "INTERNAL");
          }
        },
      );
    });

    describe("deadlines", () => {
      it("fails DEADLINE_EXCEEDED on time, and the handler observes the abort", T, async () => {
        const t = tag("deadline");
        const started = clock.now();
        await rejectsWith(fx.client.sleep({ ms: 200, tag: t }, { deadline: started + 30 }), Code.DEADLINE_EXCEEDED);
        assert.ok(clock.now() - started < 150, `answered after ${clock.now() - started} ms, not at the deadline`);
        await waitFor(() => fx.service.sleeps.get(t)?.observedAbort === true, "the handler sees its signal abort");
        const record = fx.service.sleeps.get(t)!;
        assert.equal(record.completed, false);
        assert.equal(record.abortCode, Code.DEADLINE_EXCEEDED, "the handler's abort reason says why");
      });

      it("fails DEADLINE_EXCEEDED on time even if the handler ignores its signal", T, async () => {
        const t = tag("deadline-ignored");
        const started = clock.now();
        await rejectsWith(fx.client.sleep({ ms: 200, tag: t, ignoreSignal: true }, { deadline: started + 30 }), Code.DEADLINE_EXCEEDED);
        assert.ok(clock.now() - started < 150, `answered after ${clock.now() - started} ms, not at the deadline`);
        await waitFor(() => fx.service.sleeps.get(t)?.completed === true, "the stubborn handler finishes on its own");
      });

      it("fails DEADLINE_EXCEEDED for a deadline already past", T, async () => {
        await rejectsWith(fx.client.echo({ text: "late" }, { deadline: clock.now() - 1 }), Code.DEADLINE_EXCEEDED);
      });

      it("shows the handler the deadline it was given, and none when there is none", T, async () => {
        const withDeadline = await fx.client.echo({}, { deadline: clock.now() + 5_000 });
        assert.ok(
          withDeadline.deadlineRemainingMs > 4_000 && withDeadline.deadlineRemainingMs <= 5_000,
          `handler saw ${withDeadline.deadlineRemainingMs} ms left of 5000`,
        );
        const without = await fx.client.echo({});
        assert.equal(without.deadlineRemainingMs, -1);
      });

      it("fails a stream past its deadline with DEADLINE_EXCEEDED, and the handler stops", T, async () => {
        const t = tag("stream-deadline");
        const got: number[] = [];
        await rejectsWith(
          drain(fx.client.count({ count: 50, delayMs: 40, tag: t }, { deadline: clock.now() + 100 }), (m) => got.push(m.n)),
          Code.DEADLINE_EXCEEDED,
        );
        assert.ok(got.length <= 3, `got ${got.length} messages in 100 ms at one per 40 ms`);
        await waitFor(() => fx.service.counts.get(t)?.finallyRan === true, "the handler's finally runs");
        assert.equal(fx.service.counts.get(t)!.observedAbort, true);
        assert.ok(fx.service.counts.get(t)!.produced < 5);
      });
    });

    describe("cancellation", () => {
      it("fails CANCELLED when the caller aborts, and the handler observes the abort", T, async () => {
        const t = tag("cancel");
        const controller = new AbortController();
        const started = clock.now();
        const call = fx.client.sleep({ ms: 200, tag: t }, { signal: controller.signal });
        setTimeout(() => controller.abort(), 30);
        await rejectsWith(call, Code.CANCELLED);
        assert.ok(clock.now() - started < 150, `answered after ${clock.now() - started} ms, not at the abort`);
        await waitFor(() => fx.service.sleeps.get(t)?.observedAbort === true, "the handler sees its signal abort");
        assert.equal(fx.service.sleeps.get(t)!.abortCode, Code.CANCELLED);
        assert.equal(fx.service.sleeps.get(t)!.completed, false);
      });

      it("fails CANCELLED for a signal already aborted", T, async () => {
        await rejectsWith(fx.client.echo({ text: "too late" }, { signal: AbortSignal.abort() }), Code.CANCELLED);
      });

      it("fails CANCELLED when the caller aborts during a stream, and the handler stops", T, async () => {
        const t = tag("stream-abort");
        const controller = new AbortController();
        const got: number[] = [];
        const stream = fx.client.count({ count: 50, delayMs: 30, tag: t }, { signal: controller.signal });
        await rejectsWith(
          drain(stream, (m) => {
            got.push(m.n);
            if (m.n === 2) setTimeout(() => controller.abort(), 10);
          }),
          Code.CANCELLED,
        );
        assert.deepEqual(got, [1, 2]);
        await waitFor(() => fx.service.counts.get(t)?.finallyRan === true, "the handler's finally runs");
        assert.equal(fx.service.counts.get(t)!.observedAbort, true, "the handler was waiting and saw its signal abort");
        const produced = fx.service.counts.get(t)!.produced;
        await sleep(clock, 80);
        assert.equal(fx.service.counts.get(t)!.produced, produced, "it produces nothing more");
        assert.ok(produced <= 3);
      });

      it("leaves no abort listener on the caller's signal once calls end", T, async () => {
        const signal = new AbortController().signal;
        await fx.client.echo({}, { signal });
        await rejectsWith(fx.client.fail({ code: Code.ABORTED, message: "m" }, { signal }), Code.ABORTED);
        await rejectsWith(fx.client.sleep({ ms: 100 }, { signal, deadline: clock.now() + 10 }), Code.DEADLINE_EXCEEDED);
        await collect(fx.client.count({ count: 3 }, { signal }));
        for await (const m of fx.client.count({ count: 10, delayMs: 5 }, { signal })) if (m.n === 2) break;
        await waitFor(() => abortListeners(signal) === 0, `no abort listener left (found ${abortListeners(signal)})`);
      });
    });

    describe("metadata", () => {
      it("reaches the handler", T, async () => {
        const metadata = { "x-conformance": "valor-123 ok", "x-other": "other" };
        const response = await fx.client.echo({ metadataKey: "x-conformance" }, { metadata });
        assert.equal(response.metadataValue, "valor-123 ok");
        const absent = await fx.client.echo({ metadataKey: "x-absent" }, { metadata });
        assert.equal(absent.metadataValue, "");
      });
    });

    describe("server streaming", () => {
      it("delivers every message in order and completes", T, async () => {
        const t = tag("count");
        const got = await collect(fx.client.count({ count: 5, tag: t }));
        assert.deepEqual(got.map((m) => m.n), [1, 2, 3, 4, 5]);
        await waitFor(() => fx.service.counts.get(t)?.finallyRan === true, "the handler's finally runs");
        assert.equal(fx.service.counts.get(t)!.produced, 5);
      });

      it("completes an empty stream", T, async () => {
        assert.deepEqual(await collect(fx.client.count({ count: 0 })), []);
      });

      it("stops the handler when the consumer breaks out early: its finally runs and it produces no more", T, async () => {
        const t = tag("count-break");
        const got: number[] = [];
        for await (const m of fx.client.count({ count: 20, delayMs: 10, tag: t })) {
          got.push(m.n);
          if (m.n === 2) break;
        }
        assert.deepEqual(got, [1, 2]);
        await waitFor(() => fx.service.counts.get(t)?.finallyRan === true, "the handler's finally runs");
        const produced = fx.service.counts.get(t)!.produced;
        await sleep(clock, 60);
        assert.equal(fx.service.counts.get(t)!.produced, produced, "it produces nothing more");
        assert.ok(produced <= 3, `produced ${produced}`);
      });

      it("fails with UNKNOWN and the generic message when the handler throws mid-stream", T, async () => {
        const t = tag("count-crash");
        const got: number[] = [];
        const error = await rejectsWith(
          drain(fx.client.count({ count: 5, failAfter: 2, tag: t }), (m) => got.push(m.n)),
          Code.UNKNOWN,
          GENERIC_ERROR_MESSAGE,
        );
        assert.deepEqual(got, [1, 2]);
        assert.doesNotMatch(inspect(error, { depth: 10 }), new RegExp(SECRET_DETAIL));
        await waitFor(() => fx.service.counts.get(t)?.finallyRan === true, "the handler's finally runs");
      });

      it(
        "maps an error a streaming handler throws before returning its stream like any other",
        {
          ...T,
        },
        async () => {
          const router = createRouter().service(ConformanceDefinition, {
            count: (request) => {
              if (request.count < 0) throw new RpcError(Code.INVALID_ARGUMENT, "count must be >= 0");
              throw new Error(SECRET_DETAIL);
            },
          });
          const started = await factory.start(router, { clock });
          try {
            const client = createClient(ConformanceDefinition, started.transport);
            await rejectsWith(collect(client.count({ count: -1 })), Code.INVALID_ARGUMENT, "count must be >= 0");
            const signal = new AbortController().signal;
            const error = await rejectsWith(collect(client.count({ count: 1 }, { signal })), Code.UNKNOWN, GENERIC_ERROR_MESSAGE);
            assert.doesNotMatch(inspect(error, { depth: 10 }), new RegExp(SECRET_DETAIL));
            await waitFor(() => abortListeners(signal) === 0, "no abort listener left on the caller's signal");
          } finally {
            await started.close();
          }
        },
      );
    });

    describe("concurrency", () => {
      it("answers 50 concurrent calls, each with its own answer", T, async () => {
        const calls = Array.from({ length: 50 }, async (_, i) => {
          switch (i % 5) {
            case 0:
            case 1: {
              const r = await fx.client.echo({ text: `call ${i}`, number: i * 1_000_003, tags: [String(i)] });
              assert.deepEqual([r.text, r.number, r.tags], [`call ${i}`, i * 1_000_003, [String(i)]]);
              return;
            }
            case 2: {
              const r = await fx.client.sleep({ ms: (i * 7) % 40, tag: tag("concurrent") });
              assert.equal(r.sleptMs, (i * 7) % 40);
              return;
            }
            case 3:
              await rejectsWith(fx.client.fail({ code: Code.ALREADY_EXISTS, message: `dup ${i}` }), Code.ALREADY_EXISTS, `dup ${i}`);
              return;
            default: {
              const got = await collect(fx.client.count({ count: (i % 7) + 1, delayMs: 2 }));
              assert.deepEqual(got.map((m) => m.n), Array.from({ length: (i % 7) + 1 }, (_, k) => k + 1));
            }
          }
        });
        await Promise.all(calls);
      });
    });

    describe("interceptors", () => {
      it("run in order, outermost first, and can see and alter the request and the response", T, async () => {
        const log: string[] = [];
        const outer: Interceptor = (next) => async (request) => {
          log.push(`outer in ${request.path}`);
          const message = request.message as EchoRequest;
          const response = await next({ ...request, message: { ...message, text: `${message.text}|outer` } });
          log.push("outer out");
          if (response.stream) return response;
          const reply = response.message as { text: string };
          return { stream: false, message: { ...reply, text: reply.text.toUpperCase() } };
        };
        const inner: Interceptor = (next) => async (request) => {
          const message = request.message as EchoRequest;
          log.push(`inner in ${message.text}`);
          const response = await next({
            ...request,
            message: { ...message, text: `${message.text}|inner` },
            metadata: { ...request.metadata, "x-added": "by inner" },
          });
          log.push("inner out");
          return response;
        };
        const client = fx.clientWith([outer, inner]);
        const response = await client.echo({ text: "req", metadataKey: "x-added" });
        assert.deepEqual(log, [`outer in ${ECHO_PATH}`, "inner in req|outer", "inner out", "outer out"]);
        assert.equal(response.text, "REQ|OUTER|INNER");
        assert.equal(response.metadataValue, "by inner");
      });

      it("wrap streaming calls too", T, async () => {
        const log: string[] = [];
        const mark = (name: string): Interceptor => (next) => async (request) => {
          log.push(name);
          return next(request);
        };
        const got = await collect(fx.clientWith([mark("a"), mark("b")]).count({ count: 2 }));
        assert.deepEqual(got.map((m) => m.n), [1, 2]);
        assert.deepEqual(log, ["a", "b"]);
      });
    });

    describe("tracing interceptor", () => {
      it("reports call and reply for a unary success", T, async () => {
        const events: CallEvent[] = [];
        await fx.clientWith([tracing((e) => events.push(e))]).echo({ text: "traced", tags: ["t"] });
        assert.deepEqual(events.map((e) => e.kind), ["call", "reply"]);
        assert.ok(events.every((e) => e.path === ECHO_PATH));
        const [call, reply] = events as [Extract<CallEvent, { kind: "call" }>, Extract<CallEvent, { kind: "reply" }>];
        assert.equal((call.request as { text: string }).text, "traced");
        assert.deepEqual((reply.response as { tags: string[] }).tags, ["t"]);
      });

      it("reports call and error with the code name and the message the caller saw", T, async () => {
        const events: CallEvent[] = [];
        const client = fx.clientWith([tracing((e) => events.push(e))]);
        await rejectsWith(client.fail({ code: Code.NOT_FOUND, message: "pedido 7" }), Code.NOT_FOUND);
        await rejectsWith(client.crash({}), Code.UNKNOWN);
        assert.deepEqual(
          events.map((e) => (e.kind === "error" ? `${e.kind} ${e.code} ${e.message}` : e.kind)),
          ["call", "error NOT_FOUND pedido 7", "call", `error UNKNOWN ${GENERIC_ERROR_MESSAGE}`],
        );
      });

      it("reports each streamed message as a reply, and a stream's failure as an error", T, async () => {
        const events: CallEvent[] = [];
        const client = fx.clientWith([tracing((e) => events.push(e))]);
        await collect(client.count({ count: 3 }));
        assert.deepEqual(
          events.map((e) => (e.kind === "reply" ? `reply ${(e.response as { n: number }).n}` : e.kind)),
          ["call", "reply 1", "reply 2", "reply 3"],
        );
        events.length = 0;
        const controller = new AbortController();
        await rejectsWith(
          drain(client.count({ count: 50, delayMs: 20 }, { signal: controller.signal }), (m) => {
            if (m.n === 1) setTimeout(() => controller.abort(), 5);
          }),
          Code.CANCELLED,
        );
        assert.deepEqual(events.map((e) => (e.kind === "error" ? `error ${e.code}` : e.kind)), ["call", "reply", "error CANCELLED"]);
        assert.ok(events.every((e) => e.path === COUNT_PATH));
      });
    });
  });
}
