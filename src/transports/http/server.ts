import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Clock } from "../../core/clock.js";
import { Code } from "../codes.js";
import type { Handler, Router } from "../router.js";
import { clientGoneReason } from "../call-scope.js";
import { RpcError } from "../rpc-error.js";
import { fromJsonStrict } from "./strict-json.js";
import { lingerThenHangUp, listen } from "./listen.js";
import { systemClock } from "../system-clock.js";
import { HttpFailure, noRoute, wrongVerb } from "./http-failure.js";
import { withDefaults } from "./json-defaults.js";
import { LazyAbort } from "../lazy-abort.js";
import { parseJsonObject, readBody, requireJsonContentType } from "./request-body.js";
import { matchRest, type RestRoutes } from "./rest.js";
import { sendError, serveCall, type StreamFraming } from "./serve-call.js";
import { DEADLINE_HEADER, metadataFromHeaders, parseDeadlineHeader, SSE_TYPE } from "./wire.js";

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  /** Interface to listen on. Default: "127.0.0.1" (loopback only). */
  readonly host?: string;
  /** Port to listen on. Default: 0 (any free port; read it from `port`). */
  readonly port?: number;
  /** Times deadlines; handlers see their deadline in its ms. Default: the system clock. */
  readonly clock?: Clock;
  /** Largest request body accepted, in bytes; a larger one is refused with 413. Default: 1 MiB. */
  readonly maxBodyBytes?: number;
  /** How long `close()` lets calls in flight finish before cutting them off, in ms. Default: 2000. */
  readonly shutdownTimeoutMs?: number;
  /** Sees every error a handler threw that was not an RpcError (the caller gets UNKNOWN and a generic message). Default: none. */
  readonly onUnexpectedError?: (error: unknown, path: string) => void;
  /** A REST surface served beside the RPC one, onto the same handlers. Default: none. */
  readonly rest?: RestRoutes;
}

/** A running HTTP server. */
export interface HttpServer {
  /** The port it listens on. */
  readonly port: number;
  /** `http://host:port`, no trailing slash (IPv6 hosts in brackets). */
  readonly url: string;
  /** Stops listening, lets calls in flight finish for `shutdownTimeoutMs`, then cuts them off. Safe to call more than once. */
  close(): Promise<void>;
}


const BODY_VERBS = new Set(["POST", "PUT", "PATCH"]);

/**
 * Serves `router` over HTTP/1.1 with `node:http`: each method at `POST
 * /{package.Service}/{Method}` with a canonical proto3 JSON body, errors as
 * `{"code", "message"}` with a mapped status, streams as NDJSON (or SSE on
 * `accept: text/event-stream`); plus the `rest` routes, if any.
 */
export async function createHttpServer(router: Router, options: HttpServerOptions = {}): Promise<HttpServer> {
  const host = options.host ?? "127.0.0.1";
  const clock = options.clock ?? systemClock;
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const rest = options.rest ?? [];
  let inFlight = 0;
  let closing: Promise<void> | undefined;
  let cutOff = () => {};

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = clock.now();
    const verb = req.method ?? "GET";
    const path = pathOf(req.url);
    const onUnexpectedError = reporter(options.onUnexpectedError, path);
    let deadline: number | undefined;
    const disconnect = new LazyAbort();
    inFlight++;
    res.on("close", () => {
      inFlight--;
      if (closing && inFlight === 0) cutOff();
      if (res.writableFinished) return;
      disconnect.abort(clientGoneReason(clock, deadline, "the client went away"));
    });
    try {
      const routed = route(verb, path);
      const ms = parseDeadlineHeader(req.headers[DEADLINE_HEADER]);
      deadline = ms === undefined ? undefined : arrived + ms;
      let body: Record<string, unknown> | undefined;
      if (routed.kind === "rpc" || BODY_VERBS.has(verb)) {
        requireJsonContentType(req);
        body = parseJsonObject(await readBody(req, maxBodyBytes));
      }
      const json = routed.request ? routed.request(body) : (body ?? {});
      await serveCall({
        handler: routed.handler,
        message: decode(routed.handler, json),
        res,
        clock,
        deadline,
        metadata: metadataFromHeaders(req.headers),
        disconnect,
        toJson: routed.toJson,
        status: routed.status,
        framing: routed.handler.kind === "stream" ? framingOf(req) : "ndjson",
        onUnexpectedError,
      });
    } catch (error) {
      if (error instanceof HttpFailure && error.status === 413) lingerThenHangUp(req, res);
      sendError(res, error, onUnexpectedError);
    }
  }

  /** The RPC route of each handler, built once. */
  const rpcRoutes = new Map<Handler, Routed>();

  /** The handler a request goes to, how its request is built and how its answer is shaped. */
  function route(verb: string, path: string): Routed {
    const handler = router.lookup(path);
    if (handler) {
      if (verb !== "POST") throw wrongVerb(verb, path, ["POST"]);
      let routed = rpcRoutes.get(handler);
      if (!routed) {
        const type = handler.method.responseType;
        routed = { kind: "rpc", handler, request: undefined, status: 200, toJson: (m) => type.toJSON(m) };
        rpcRoutes.set(handler, routed);
      }
      return routed;
    }
    const { match, allowed } = matchRest(rest, verb, path);
    if (!match) throw allowed.length > 0 ? wrongVerb(verb, path, allowed) : noRoute(verb, path);
    const { route: r, params } = match;
    const target = router.lookup(r.rpc);
    if (!target) throw new HttpFailure(501, Code.UNIMPLEMENTED, `${verb} ${path} maps to ${r.rpc}, which this server does not serve`);
    const type = target.method.responseType;
    return {
      kind: "rest",
      handler: target,
      request: r.request ? (body) => r.request!({ params, body }) : undefined,
      status: r.status ?? 200,
      toJson: r.response ?? ((m) => withDefaults(type.toJSON(m), m)),
    };
  }

  const server = createServer({ keepAlive: true }, (req, res) => void handle(req, res));
  // Refuse a declared oversized body before the client sends it; otherwise let it come.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    if (!(Number(req.headers["content-length"]) > maxBodyBytes)) res.writeContinue();
    void handle(req, res);
  });
  const { port, url } = await listen(server, options.port ?? 0, host);

  return {
    port,
    url,
    close() {
      closing ??= new Promise<void>((resolve) => {
        let cancelTimer = () => {};
        cutOff = () => {
          cancelTimer();
          server.closeAllConnections();
        };
        server.close(() => resolve());
        server.closeIdleConnections();
        if (inFlight === 0) cutOff();
        else cancelTimer = clock.setTimer(options.shutdownTimeoutMs ?? 2000, cutOff);
      });
      return closing;
    },
  };
}

/** `onUnexpectedError` bound to the request path (a returned arrow: cheaper per request than a named closure under tsx's keepNames). */
function reporter(onUnexpectedError: HttpServerOptions["onUnexpectedError"], path: string): (error: unknown) => void {
  return (error) => onUnexpectedError?.(error, path);
}

interface Routed {
  readonly kind: "rpc" | "rest";
  readonly handler: Handler;
  /** Builds the proto JSON request from the body; undefined: the body itself. */
  readonly request: ((body: Record<string, unknown> | undefined) => Record<string, unknown>) | undefined;
  readonly status: number;
  readonly toJson: (message: unknown) => unknown;
}

/** The request message from its proto3 JSON; 400 INVALID_ARGUMENT if the generated decoder refuses it. */
function decode(handler: Handler, json: Record<string, unknown>): unknown {
  try {
    return fromJsonStrict(handler.method.requestType, json);
  } catch (error) {
    if (error instanceof RpcError) throw error;
    throw new HttpFailure(400, Code.INVALID_ARGUMENT, `request does not fit ${handler.path}: ${(error as Error).message}`);
  }
}

/** The path of a request target, without its query (absolute-form targets too). */
function pathOf(url = "/"): string {
  if (!url.startsWith("/")) {
    try {
      return new URL(url).pathname;
    } catch {
      return url;
    }
  }
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

function framingOf(req: IncomingMessage): StreamFraming {
  return (req.headers.accept ?? "").toLowerCase().includes(SSE_TYPE) ? "sse" : "ndjson";
}

