/**
 * The HTTP transport at the HTTP level: hostile input answered with the right
 * status and JSON error body (and the server still serving), the status
 * mapping, deadline and metadata headers, NDJSON/SSE streams with
 * cancellation and backpressure, the client's view of odd servers, and curl.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { sleep } from "../../src/core/clock.js";
import { ConformanceDefinition, CountRequest, EchoResponse } from "../../src/gen/lab/v1/conformance.js";
import { createClient } from "../../src/transports/client.js";
import { Code, codeName } from "../../src/transports/codes.js";
import { createHttpServer, type HttpServer } from "../../src/transports/http/server.js";
import { HTTP_STATUS_OF_CODE } from "../../src/transports/http/status.js";
import { createHttpTransport, type HttpTransport } from "../../src/transports/http/transport.js";
import { createRouter } from "../../src/transports/router.js";
import { GENERIC_ERROR_MESSAGE, RpcError } from "../../src/transports/rpc-error.js";
import { systemClock } from "../../src/transports/system-clock.js";
import { ConformanceService, SECRET_DETAIL } from "../conformance/conformance-service.js";
import { waitFor } from "../conformance/harness.js";
import { assertError, ndjson, postJson, raw } from "./raw.js";

const clock = systemClock;
const T = { timeout: 10_000 };
const MAX_BODY = 4096;
const ECHO = "/lab.v1.Conformance/Echo";
const COUNT = "/lab.v1.Conformance/Count";

let tagSeq = 0;
const tag = (what: string) => `${what}-${++tagSeq}`;

describe("http transport", () => {
  let server: HttpServer;
  let transport: HttpTransport;
  let service: ConformanceService;
  const unexpected: { error: unknown; path: string }[] = [];
  let url: (path: string) => string;

  before(async () => {
    service = new ConformanceService(clock);
    server = await createHttpServer(createRouter().service(ConformanceDefinition, service), {
      clock,
      maxBodyBytes: MAX_BODY,
      shutdownTimeoutMs: 100,
      onUnexpectedError: (error, path) => unexpected.push({ error, path }),
    });
    transport = createHttpTransport({ baseUrl: server.url, clock });
    url = (path) => server.url + path;
  });
  after(async () => {
    await transport?.close();
    await server?.close();
  });

  /** The server answers a well-formed call after whatever came before. */
  async function stillServing(): Promise<void> {
    const answer = await postJson(url(ECHO), { text: "still here" });
    assert.equal(answer.status, 200);
    assert.equal((answer.json as { text: string }).text, "still here");
    assert.equal((await createClient(ConformanceDefinition, transport).echo({ text: "via client" })).text, "via client");
  }

  describe("hostile input", () => {
    it("malformed JSON: 400 INVALID_ARGUMENT naming the problem", T, async () => {
      const answer = await raw(url(ECHO), { headers: { "content-type": "application/json" }, body: '{"text": "unterminated' });
      assertError(answer, 400, "INVALID_ARGUMENT", /malformed JSON/);
      assertError(await raw(url(ECHO), { headers: { "content-type": "application/json" }, body: "{'text': 1}" }), 400, "INVALID_ARGUMENT", /malformed JSON/);
      await stillServing();
    });

    it("JSON that is not an object, an empty body, invalid UTF-8: 400", T, async () => {
      const headers = { "content-type": "application/json" };
      for (const [body, kind] of [["[]", "an array"], ["42", "a number"], ["null", "null"], ['"x"', "a string"], ["true", "a boolean"]] as const) {
        assertError(await raw(url(ECHO), { headers, body }), 400, "INVALID_ARGUMENT", new RegExp(`must be a JSON object, got ${kind}`));
      }
      assertError(await raw(url(ECHO), { headers, body: "" }), 400, "INVALID_ARGUMENT", /empty/);
      assertError(await raw(url(ECHO), { headers, body: "  \n" }), 400, "INVALID_ARGUMENT", /empty/);
      assertError(await raw(url(ECHO), { headers, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }), 400, "INVALID_ARGUMENT", /UTF-8/);
      await stillServing();
    });

    it("a body the message decoder refuses: 400 INVALID_ARGUMENT", T, async () => {
      // ts-proto's fromJSON coerces most types; a number where bytes go it cannot read at all.
      assertError(await postJson(url(ECHO), { payload: 5 }), 400, "INVALID_ARGUMENT", /request does not fit \/lab.v1.Conformance\/Echo/);
      await stillServing();
    });

    it("wrong or missing content type: 415", T, async () => {
      const body = JSON.stringify({ text: "x" });
      assertError(await raw(url(ECHO), { headers: { "content-type": "text/plain" }, body }), 415, "INVALID_ARGUMENT", /content-type must be application\/json/);
      assertError(await raw(url(ECHO), { body }), 415, "INVALID_ARGUMENT", /got none/);
      assertError(await raw(url(ECHO), { headers: { "content-type": "application/json; charset=latin1" }, body }), 415, "INVALID_ARGUMENT", /utf-8/);
      assertError(await raw(url(ECHO), { headers: { "content-type": "application/jsonx" }, body }), 415, "INVALID_ARGUMENT", /content-type/);
      const ok = await raw(url(ECHO), { headers: { "content-type": "Application/JSON; charset=UTF-8" }, body });
      assert.equal(ok.status, 200);
      await stillServing();
    });

    it("a body over the limit: 413 RESOURCE_EXHAUSTED, declared or chunked, without reading it all", T, async () => {
      const big = JSON.stringify({ text: "x".repeat(MAX_BODY * 4) });
      const declared = await raw(url(ECHO), { headers: { "content-type": "application/json" }, body: big });
      assertError(declared, 413, "RESOURCE_EXHAUSTED", new RegExp(`limit of ${MAX_BODY} bytes`));
      assert.equal(declared.headers.connection, "close");
      const chunks = Array.from({ length: 8 }, () => Buffer.from("x".repeat(MAX_BODY)));
      const chunked = await raw(url(ECHO), { headers: { "content-type": "application/json" }, body: [Buffer.from('{"text":"'), ...chunks, Buffer.from('"}')] });
      assertError(chunked, 413, "RESOURCE_EXHAUSTED", /larger than the limit/);
      // With `expect: 100-continue` the client is refused before it sends the body at all.
      const expect = await raw(url(ECHO), { headers: { "content-type": "application/json", expect: "100-continue" }, body: big });
      assertError(expect, 413, "RESOURCE_EXHAUSTED", /larger than the limit/);
      // Just under the limit is fine.
      const fits = await postJson(url(ECHO), { text: "y".repeat(MAX_BODY - 20) });
      assert.equal(fits.status, 200);
      await stillServing();
    });

    it("unknown routes: 404 (UNIMPLEMENTED for a method path, NOT_FOUND otherwise)", T, async () => {
      assertError(await postJson(url("/lab.v1.Conformance/Missing"), {}), 404, "UNIMPLEMENTED", /unknown method \/lab.v1.Conformance\/Missing/);
      assertError(await postJson(url("/lab.v1.Nowhere/Echo"), {}), 404, "UNIMPLEMENTED", /unknown method/);
      assertError(await raw(url("/"), { method: "GET" }), 404, "NOT_FOUND", /no route for GET \//);
      assertError(await raw(url("/produtos"), { method: "GET" }), 404, "NOT_FOUND", /no route for GET \/produtos/);
      assertError(await postJson(url(`${ECHO}/extra`), {}), 404, "NOT_FOUND", /no route/);
      await stillServing();
    });

    it("wrong verb: 405 with an Allow header", T, async () => {
      for (const method of ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
        const answer = await raw(url(ECHO), { method });
        assertError(answer, 405, "UNIMPLEMENTED", new RegExp(`${method} is not allowed on ${ECHO}; use POST`));
        assert.equal(answer.headers.allow, "POST");
      }
      await stillServing();
    });

    it("a malformed deadline header: 400 naming it", T, async () => {
      for (const value of ["soon", "-5", "1.5", "99999999999999"]) {
        assertError(await postJson(url(ECHO), {}, { "x-deadline-ms": value }), 400, "INVALID_ARGUMENT", /x-deadline-ms must be a whole number/);
      }
      await stillServing();
    });

    it("a query string is ignored, a flood of bad requests leaves the server serving", T, async () => {
      assert.equal((await postJson(url(`${ECHO}?x=1`), { text: "q" })).status, 200);
      const bad = Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? raw(url(ECHO), { headers: { "content-type": "application/json" }, body: "{" }) : raw(url("/nada"), { method: "GET" }),
      );
      for (const answer of await Promise.all(bad)) assert.ok(answer.status === 400 || answer.status === 404);
      await stillServing();
    });
  });

  describe("status mapping and error bodies", () => {
    it("every code 1..16 travels with its status, name and message", T, async () => {
      for (const code of Object.values(Code).filter((c) => c !== Code.OK)) {
        const message = `falhou com ${codeName(code)} ✗`;
        const answer = await postJson(url("/lab.v1.Conformance/Fail"), { code, message });
        assertError(answer, HTTP_STATUS_OF_CODE[code], codeName(code), new RegExp(`^${message}$`));
      }
      assert.equal(HTTP_STATUS_OF_CODE[Code.FAILED_PRECONDITION], 400);
    });

    it("a plain Error is 500 UNKNOWN with the generic message; the details go to onUnexpectedError", T, async () => {
      unexpected.length = 0;
      const answer = await postJson(url("/lab.v1.Conformance/Crash"), {});
      assertError(answer, 500, "UNKNOWN", new RegExp(`^${GENERIC_ERROR_MESSAGE}$`));
      assert.doesNotMatch(answer.text, new RegExp(SECRET_DETAIL));
      assert.equal(unexpected.length, 1);
      assert.equal(unexpected[0]!.path, "/lab.v1.Conformance/Crash");
      assert.equal((unexpected[0]!.error as Error).message, SECRET_DETAIL);
    });

    it("a method the implementation left out: 501 UNIMPLEMENTED", T, async () => {
      const partial = await createHttpServer(createRouter().service(ConformanceDefinition, { echo: (r, c) => service.echo(r, c) }), { clock });
      try {
        assertError(await postJson(`${partial.url}/lab.v1.Conformance/Sleep`, { ms: 1 }), 501, "UNIMPLEMENTED", /not implemented/);
        assertError(await postJson(`${partial.url}${COUNT}`, { count: 1 }), 501, "UNIMPLEMENTED", /not implemented/);
      } finally {
        await partial.close();
      }
    });
  });

  describe("headers", () => {
    it("x-deadline-ms becomes the handler's deadline, and is enforced (504)", T, async () => {
      const echoed = await postJson(url(ECHO), {}, { "x-deadline-ms": "3000" });
      const remaining = (echoed.json as { deadlineRemainingMs: number }).deadlineRemainingMs;
      assert.ok(remaining > 2000 && remaining <= 3000, `handler saw ${remaining} ms`);
      assert.equal(((await postJson(url(ECHO), {})).json as { deadlineRemainingMs: number }).deadlineRemainingMs, -1);
      const t = tag("raw-deadline");
      const started = clock.now();
      const late = await postJson(url("/lab.v1.Conformance/Sleep"), { ms: 2000, tag: t }, { "x-deadline-ms": "50" });
      assertError(late, 504, "DEADLINE_EXCEEDED", /deadline/);
      assert.ok(clock.now() - started < 1000);
      await waitFor(() => service.sleeps.get(t)?.observedAbort === true, "the handler sees the deadline");
      assert.equal(service.sleeps.get(t)!.abortCode, Code.DEADLINE_EXCEEDED);
      assertError(await postJson(url(ECHO), {}, { "x-deadline-ms": "0" }), 504, "DEADLINE_EXCEEDED", /deadline/);
    });

    it("x-md-<name> headers are the handler's metadata, percent-decoded", T, async () => {
      const answer = await postJson(url(ECHO), { metadataKey: "x-cliente" }, { "x-md-x-cliente": encodeURIComponent("Conceição 🛒"), "x-other": "not metadata" });
      assert.equal((answer.json as { metadataValue: string }).metadataValue, "Conceição 🛒");
      const plain = await postJson(url(ECHO), { metadataKey: "x-other" }, { "x-other": "not metadata" });
      assert.equal((plain.json as { metadataValue?: string }).metadataValue, undefined, "only x-md-* headers are metadata");
      const client = createClient(ConformanceDefinition, transport);
      assert.equal((await client.echo({ metadataKey: "k" }, { metadata: { k: "ação: 100% ✓" } })).metadataValue, "ação: 100% ✓");
      await assert.rejects(client.echo({}, { metadata: { "bad name": "x" } }), (e: unknown) => e instanceof RpcError && e.code === Code.INVALID_ARGUMENT);
    });

    it("answers are canonical proto3 JSON (camelCase, defaults left out)", T, async () => {
      const answer = await postJson(url(ECHO), { text: "a", number: 7, tags: ["t"], payload: Buffer.from("oi").toString("base64") });
      assert.deepEqual(answer.json, { text: "a", number: 7, payload: "b2k=", tags: ["t"], deadlineRemainingMs: -1, path: ECHO });
      // Proto field names in snake_case are accepted as well as their JSON names.
      const snake = await postJson(url(ECHO), { metadata_key: "x" }, { "x-md-x": "v" });
      assert.equal((snake.json as { metadataValue: string }).metadataValue, "v");
    });
  });

  describe("streams", () => {
    it("NDJSON, one message per line, in order", T, async () => {
      const answer = await postJson(url(COUNT), { count: 4 });
      assert.equal(answer.status, 200);
      assert.match(String(answer.headers["content-type"]), /^application\/x-ndjson/);
      assert.equal(answer.text, '{"n":1}\n{"n":2}\n{"n":3}\n{"n":4}\n');
      assert.equal((await postJson(url(COUNT), { count: 0 })).text, "");
    });

    it("an error after the first message is a last line {error: {code, message}}; before it, a status", T, async () => {
      const answer = await postJson(url(COUNT), { count: 5, failAfter: 2 });
      assert.equal(answer.status, 200);
      assert.deepEqual(ndjson(answer.text), [{ n: 1 }, { n: 2 }, { error: { code: "UNKNOWN", message: GENERIC_ERROR_MESSAGE } }]);
      assertError(await postJson(url(COUNT), { count: 5, failAfter: -1, delayMs: 500 }, { "x-deadline-ms": "20" }), 504, "DEADLINE_EXCEEDED", /deadline/);
    });

    it("SSE on accept: text/event-stream", T, async () => {
      const answer = await postJson(url(COUNT), { count: 2, failAfter: 1 }, { accept: "text/event-stream" });
      assert.match(String(answer.headers["content-type"]), /^text\/event-stream/);
      assert.equal(answer.text, `data: {"n":1}\n\nevent: error\ndata: {"code":"UNKNOWN","message":"${GENERIC_ERROR_MESSAGE}"}\n\n`);
      const ok = await postJson(url(COUNT), { count: 1 }, { accept: "text/event-stream" });
      assert.equal(ok.text, 'data: {"n":1}\n\nevent: end\ndata: {}\n\n');
    });

    it("a client that aborts mid-stream stops the handler", T, async () => {
      const t = tag("raw-abort");
      const controller = new AbortController();
      const response = await fetch(url(COUNT), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ count: 100, delayMs: 20, tag: t }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      let text = "";
      while ((text.match(/\n/g) ?? []).length < 2) text += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      await waitFor(() => service.counts.get(t)?.finallyRan === true, "the handler's finally runs");
      const record = service.counts.get(t)!;
      assert.equal(record.observedAbort, true);
      const produced = record.produced;
      await sleep(clock, 80);
      assert.equal(service.counts.get(t)!.produced, produced, "it produces nothing more");
      assert.ok(produced <= 4, `produced ${produced}`);
      await stillServing();
    });

    it("honors backpressure: a reader that stops reading stalls the handler, and reading resumes it", T, async () => {
      // A streaming method of 16 KiB messages (EchoResponse), so socket buffers fill after a few hundred.
      const flood = { name: "Flood", requestType: CountRequest, requestStream: false, responseType: EchoResponse, responseStream: true } as const;
      const definition = { name: "Big", fullName: "lab.v1.Big", methods: { flood } } as const;
      let produced = 0;
      let finallyRan = false;
      const router = createRouter().service(definition, {
        async *flood(request: CountRequest) {
          try {
            for (let n = 1; n <= request.count; n++) {
              produced = n;
              yield EchoResponse.fromPartial({ text: "x".repeat(16 << 10), number: n });
            }
          } finally {
            finallyRan = true;
          }
        },
      });
      const big = await createHttpServer(router, { clock });
      const total = 5000;
      const req = httpRequest(`${big.url}/lab.v1.Big/Flood`, { method: "POST", headers: { "content-type": "application/json" }, agent: false });
      const response = new Promise<IncomingMessage>((resolve) => req.on("response", resolve));
      req.on("error", () => {});
      req.end(JSON.stringify({ count: total }));
      try {
        const res = await response;
        assert.equal(res.statusCode, 200);
        // Read nothing: the socket buffers fill, then the server waits for 'drain' and stops pulling messages.
        res.pause();
        let last = -1;
        let stableFor = 0;
        const until = clock.now() + 8000;
        while (stableFor < 300 && clock.now() < until) {
          await sleep(clock, 50);
          stableFor = produced === last ? stableFor + 50 : 0;
          last = produced;
        }
        assert.ok(stableFor >= 300, `the handler kept producing (${produced} so far)`);
        const held = produced;
        assert.ok(held < 2000, `produced ${held} messages of 16 KiB with nobody reading`);
        res.resume();
        await waitFor(() => produced > held + 500, "reading again lets the handler go on", { timeoutMs: 5000 });
        req.destroy();
        await waitFor(() => finallyRan, "the handler's finally runs after the client left");
      } finally {
        req.destroy();
        await big.close();
      }
    });
  });

  describe("client transport", () => {
    it("maps a refused connection to UNAVAILABLE", T, async () => {
      const dead = await createHttpServer(createRouter(), { clock });
      const deadUrl = dead.url;
      await dead.close();
      const client = createClient(ConformanceDefinition, createHttpTransport({ baseUrl: deadUrl }));
      await assert.rejects(client.echo({}), (e: unknown) => e instanceof RpcError && e.code === Code.UNAVAILABLE && /ECONNREFUSED|fetch failed/.test(e.message));
    });

    it("maps answers without an error body by status, and a cut-off stream to UNAVAILABLE", T, async () => {
      const odd = createServer((req, res) => {
        if (req.url === "/lab.v1.Conformance/Echo") return void res.writeHead(502, { "content-type": "text/html" }).end("<h1>bad gateway</h1>");
        if (req.url === "/lab.v1.Conformance/Sleep") return void res.writeHead(200, { "content-type": "text/html" }).end("<p>hi</p>");
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.write('{"n":1}\n');
        setTimeout(() => res.destroy(), 20);
      });
      await new Promise<void>((resolve) => odd.listen(0, "127.0.0.1", resolve));
      const port = (odd.address() as { port: number }).port;
      const http = createHttpTransport({ baseUrl: `http://127.0.0.1:${port}/` });
      const client = createClient(ConformanceDefinition, http);
      try {
        await assert.rejects(client.echo({}), (e: unknown) => e instanceof RpcError && e.code === Code.UNAVAILABLE);
        await assert.rejects(client.sleep({}), (e: unknown) => e instanceof RpcError && e.code === Code.UNKNOWN);
        const got: number[] = [];
        await assert.rejects(
          (async () => {
            for await (const m of client.count({ count: 3 })) got.push(m.n);
          })(),
          (e: unknown) => e instanceof RpcError && e.code === Code.UNAVAILABLE,
        );
        assert.deepEqual(got, [1]);
      } finally {
        await http.close();
        odd.closeAllConnections();
        await new Promise((resolve) => odd.close(resolve));
      }
    });

    it("close() fails calls in flight with UNAVAILABLE and refuses new ones", T, async () => {
      const own = createHttpTransport({ baseUrl: server.url, clock });
      const client = createClient(ConformanceDefinition, own);
      const pending = client.sleep({ ms: 2000, tag: tag("closed") });
      await sleep(clock, 30);
      await own.close();
      await assert.rejects(pending, (e: unknown) => e instanceof RpcError && e.code === Code.UNAVAILABLE);
      await assert.rejects(client.echo({}), (e: unknown) => e instanceof RpcError && e.code === Code.UNAVAILABLE);
    });

    it("server close() cuts off a call still running after shutdownTimeoutMs, and the handler sees it", T, async () => {
      const own = new ConformanceService(clock);
      const closing = await createHttpServer(createRouter().service(ConformanceDefinition, own), { clock, shutdownTimeoutMs: 50 });
      const client = createClient(ConformanceDefinition, createHttpTransport({ baseUrl: closing.url, clock }));
      const t = tag("shutdown");
      const pending = client.sleep({ ms: 5000, tag: t });
      await waitFor(() => own.sleeps.has(t), "the call reaches the handler");
      const started = clock.now();
      await closing.close();
      assert.ok(clock.now() - started < 1000, "close does not wait for the handler");
      await assert.rejects(pending, (e: unknown) => e instanceof RpcError && e.code === Code.UNAVAILABLE);
      await waitFor(() => own.sleeps.get(t)?.observedAbort === true, "the handler sees its call cancelled");
      assert.equal(own.sleeps.get(t)!.abortCode, Code.CANCELLED);
    });
  });

  describe("curl", { skip: !hasCurl() && "curl not installed" }, () => {
    it("a unary call, an error and a stream over curl", T, async () => {
      const run = promisify(execFile);
      const echo = await run("curl", ["-sS", "-H", "content-type: application/json", "-d", '{"text":"olá curl"}', url(ECHO)]);
      assert.equal((JSON.parse(echo.stdout) as { text: string }).text, "olá curl");
      const fail = await run("curl", ["-sS", "-o", "-", "-w", "\n%{http_code}", "-H", "content-type: application/json", "-d", "{", url(ECHO)]);
      const [body, status] = fail.stdout.split("\n");
      assert.equal(status, "400");
      assert.equal((JSON.parse(body!) as { code: string }).code, "INVALID_ARGUMENT");
      const stream = await run("curl", ["-sSN", "-H", "content-type: application/json", "-d", '{"count":3}', url(COUNT)]);
      assert.equal(stream.stdout, '{"n":1}\n{"n":2}\n{"n":3}\n');
    });
  });
});

/** True when a `curl` binary is on the PATH. */
function hasCurl(): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => {
    try {
      return statSync(`${dir}/curl`).isFile();
    } catch {
      return false;
    }
  });
}
