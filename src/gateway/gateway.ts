import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Clock } from "../core/clock.js";
import { CHECKOUT_DEFINITIONS } from "../core/system/services.js";
import type { Transport } from "../transports/call.js";
import { createClient } from "../transports/client.js";
import { Code } from "../transports/codes.js";
import { LazyAbort, lazyContext } from "../transports/lazy-abort.js";
import { HttpFailure, noRoute, wrongVerb } from "../transports/http/http-failure.js";
import { withDefaults } from "../transports/http/json-defaults.js";
import { parseJsonObject, readBody, requireJsonContentType } from "../transports/http/request-body.js";
import { sendError, serveCall, type StreamFraming } from "../transports/http/serve-call.js";
import { fromJsonStrict } from "../transports/http/strict-json.js";
import { lingerThenHangUp, listen } from "../transports/http/listen.js";
import { DEADLINE_HEADER, metadataFromHeaders, NDJSON_TYPE, parseDeadlineHeader, SSE_TYPE } from "../transports/http/wire.js";
import { createRouter, type Handler, type Router } from "../transports/router.js";
import { RpcError } from "../transports/rpc-error.js";
import { systemClock } from "../transports/system-clock.js";
import { LAB_DEFINITIONS, type BackendName } from "./backends.js";
import { checkoutRoutes, type Cliente } from "./checkout-routes.js";
import { labRoutes } from "./lab-routes.js";
import { requireFitsWire } from "./params.js";
import { findRoute, localRoute, type GatewayInput, type GatewayRoute, type LocalRoute, type RpcRoute } from "./routes.js";
import { simRoutes } from "./sim-routes.js";
import { loadStaticFiles, PUBLIC_DIR, STATIC_HEADERS } from "./static-files.js";

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** A client transport to each service behind the gateway (from `startBackends`). */
  readonly transports: Readonly<Record<BackendName, Transport>>;
  /** Interface to listen on. Default: "127.0.0.1". */
  readonly host?: string;
  /** Port to listen on. Default: 0 (any free port; read it from `port`). */
  readonly port?: number;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Largest request body accepted, in bytes; larger is 413. Default: 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Deadline of a unary call whose request has no `x-deadline-ms` header, in ms. Streams have none. Default: 30000. */
  readonly timeoutMs?: number;
  /** The customers of `GET /clientes`. Default: none (the route answers 404). */
  readonly clientes?: () => readonly Cliente[];
  /** The most orders `POST /api/sim` may place in one run. Default: 500. */
  readonly maxSimOrders?: number;
  /** The page's folder. Default: src/gateway/public. */
  readonly publicDir?: string;
  /** How long `close()` lets answers in flight (streams included) finish, in ms. Default: 1000. */
  readonly shutdownTimeoutMs?: number;
  /** Sees errors that were not RpcErrors (the client gets UNKNOWN and a generic message). Default: printed to stderr. */
  readonly onUnexpectedError?: (error: unknown, path: string) => void;
}

/** A running gateway. */
export interface Gateway {
  readonly port: number;
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  /** Stops listening, lets answers in flight finish for `shutdownTimeoutMs`, then cuts them off. Safe to call more than once. */
  close(): Promise<void>;
}

const BODY_VERBS = new Set(["POST", "PUT", "PATCH"]);

/**
 * Gateway P, the seeds' front door: one node:http server that serves the web
 * page and translates HTTP routes into calls on the services behind it,
 * through typed clients over whichever transport they run on. Errors are
 * `{"code", "message"}` with the HTTP transport's status mapping; streams are
 * SSE (`accept: text/event-stream`) or NDJSON.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? "127.0.0.1";
  const clock = options.clock ?? systemClock;
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const onUnexpectedError = options.onUnexpectedError ?? ((error: unknown, path: string) => console.error(`gateway: ${path}:`, error));
  const files = await loadStaticFiles(options.publicDir ?? PUBLIC_DIR);
  const router = forwardingRouter(options.transports);
  const routes: GatewayRoute[] = [
    ...checkoutRoutes({
      catalogo: createClient(CHECKOUT_DEFINITIONS.catalogo, options.transports.catalogo),
      deadline: () => clock.now() + timeoutMs,
      ...(options.clientes ? { clientes: options.clientes } : {}),
    }),
    ...labRoutes(),
    ...simRoutes({ wallClock: clock, ...(options.maxSimOrders !== undefined ? { maxOrders: options.maxSimOrders } : {}) }),
    // The seed's gateways answered their health check with a bare "ok".
    localRoute("GET", "/healthz", async () => ({ text: "ok\n" })),
  ];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = clock.now();
    const verb = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://gateway");
    const path = url.pathname;
    const failed = (error: unknown) => onUnexpectedError(error, path);
    const disconnect = new LazyAbort();
    res.on("close", () => {
      if (!res.writableFinished) disconnect.abort(new RpcError(Code.CANCELLED, "the client went away"));
    });
    try {
      const file = files.get(path);
      if (file) {
        if (verb !== "GET" && verb !== "HEAD") throw wrongVerb(verb, path, ["GET", "HEAD"]);
        res.writeHead(200, { ...STATIC_HEADERS, "content-type": file.type, "content-length": file.bytes.length });
        return void res.end(verb === "HEAD" ? undefined : file.bytes);
      }
      const { route, params, allowed } = findRoute(routes, verb, path);
      if (!route) throw allowed.length > 0 ? wrongVerb(verb, path, allowed) : noRoute(verb, path);
      let body: Record<string, unknown> | undefined;
      if (BODY_VERBS.has(verb)) {
        requireJsonContentType(req);
        body = parseJsonObject(await readBody(req, maxBodyBytes));
      }
      const input: GatewayInput = { params: { ...Object.fromEntries(url.searchParams), ...params }, body };
      if (route.kind === "local") return await answerLocal(route, input, res, disconnect.signal);
      const ms = parseDeadlineHeader(req.headers[DEADLINE_HEADER]);
      await answerRpc(route, input, req, res, {
        deadline: (stream) => (ms !== undefined ? arrived + ms : stream ? undefined : arrived + timeoutMs),
        disconnect,
        failed,
      });
    } catch (error) {
      if (error instanceof HttpFailure && error.status === 413) lingerThenHangUp(req, res);
      sendError(res, error, failed);
    }
  }

  async function answerRpc(
    route: RpcRoute,
    input: GatewayInput,
    req: IncomingMessage,
    res: ServerResponse,
    call: { deadline: (stream: boolean) => number | undefined; disconnect: LazyAbort; failed: (error: unknown) => void },
  ): Promise<void> {
    const handler = router.lookup(route.rpc);
    if (!handler) throw new RpcError(Code.UNIMPLEMENTED, `${route.rpc} is not served behind this gateway`);
    const type = handler.method.requestType;
    let message: unknown;
    try {
      message = fromJsonStrict(type, route.request ? route.request(input) : (input.body ?? {}));
    } catch (error) {
      if (error instanceof RpcError) throw error;
      throw new HttpFailure(400, Code.INVALID_ARGUMENT, `request does not fit ${route.rpc}: ${(error as Error).message}`);
    }
    requireFitsWire(type, message);
    if (route.text && handler.kind === "unary" && !acceptsJson(req)) {
      const deadline = call.deadline(false);
      if (deadline !== undefined) call.disconnect.expireAt(clock, deadline);
      try {
        const reply = await handler.invoke(message, lazyContext(route.rpc, call.disconnect, deadline, metadataFromHeaders(req.headers)));
        return sendText(res, route.status ?? 200, route.text(reply, message));
      } finally {
        call.disconnect.close();
      }
    }
    const framing = requestedFraming(req);
    const each = route.response ?? ((m: unknown) => withDefaults(handler.method.responseType.toJSON(m), m));
    const collect = handler.kind === "stream" && route.collect && !framing ? route.collect : undefined;
    const served = collect ? collected(handler) : handler;
    await serveCall({
      handler: served,
      message,
      res,
      clock,
      deadline: call.deadline(served.kind === "stream"),
      metadata: metadataFromHeaders(req.headers),
      disconnect: call.disconnect,
      toJson: collect ? (messages) => collect((messages as unknown[]).map(each)) : each,
      status: route.status ?? 200,
      framing: framing ?? "ndjson",
      onUnexpectedError: call.failed,
    });
  }

  const server = createServer({ keepAlive: true }, (req, res) => void handle(req, res));
  const { port, url } = await listen(server, options.port ?? 0, host);
  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const cancel = clock.setTimer(options.shutdownTimeoutMs ?? 1000, () => server.closeAllConnections());
        server.close(() => {
          cancel();
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** A router whose handlers forward each call to its service through a typed client over `transports`. */
function forwardingRouter(transports: Readonly<Record<BackendName, Transport>>): Router {
  const router = createRouter();
  const definitions = { ...CHECKOUT_DEFINITIONS, ...LAB_DEFINITIONS };
  for (const [name, definition] of Object.entries(definitions) as [BackendName, (typeof definitions)[BackendName]][]) {
    // A client's methods take (request, options) and a CallContext is valid options: deadline, cancel and metadata travel on.
    router.service(definition, createClient(definition, transports[name]) as never);
  }
  return router;
}

/** A streaming handler answered as one message: the list of everything it streamed. */
function collected(handler: Handler): Handler {
  if (handler.kind !== "stream") return handler;
  return {
    ...handler,
    kind: "unary",
    async invoke(request, context) {
      const messages: unknown[] = [];
      for await (const message of handler.invoke(request, context)) messages.push(message);
      return messages;
    },
  };
}

/** The stream framing the client asked for in `accept`, if any. */
function requestedFraming(req: IncomingMessage): StreamFraming | undefined {
  const accept = (req.headers.accept ?? "").toLowerCase();
  if (accept.includes(SSE_TYPE)) return "sse";
  if (accept.includes(NDJSON_TYPE)) return "ndjson";
  return undefined;
}

/** Whether the client asked for JSON in `accept` (browsers' and curl's defaults do not). */
function acceptsJson(req: IncomingMessage): boolean {
  return (req.headers.accept ?? "").toLowerCase().includes("json");
}

async function answerLocal(route: LocalRoute, input: GatewayInput, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const answer = await route.answer(input, signal);
  if ("json" in answer) send(res, answer.status ?? 200, "application/json; charset=utf-8", JSON.stringify(answer.json));
  else sendText(res, answer.status ?? 200, answer.text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, "text/plain; charset=utf-8", text);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
}

