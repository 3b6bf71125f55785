/**
 * The gateway's route table: routes answered by one RPC on a service behind
 * the gateway, and routes the gateway answers itself.
 */
import type { MethodDefinition, RequestOf, ResponseOf, ServiceDefinition } from "../transports/definition.js";
import { methodPath } from "../transports/definition.js";
import { matchRest, type RestRoute, type RestRoutes, type RestVerb } from "../transports/http/rest.js";

/** What a route gets from a request. */
export interface GatewayInput {
  /** Path parameters and query parameters by name (a path parameter wins over a query one of the same name). */
  readonly params: Readonly<Record<string, string>>;
  /** The JSON object body of a POST, PUT or PATCH; undefined otherwise. */
  readonly body: Readonly<Record<string, unknown>> | undefined;
}

/**
 * A route answered by one RPC of a service behind the gateway: a REST route
 * (verb, pattern, rpc, status, response, as the HTTP transport's) whose
 * request is built from path and query parameters, and whose stream may be
 * collected into one answer.
 */
export interface RpcRoute extends Omit<RestRoute, "request"> {
  readonly kind: "rpc";
  /** The request in proto3 JSON; may throw an RpcError (INVALID_ARGUMENT naming the parameter). Default: the body, or `{}`. */
  readonly request?: (input: GatewayInput) => Record<string, unknown>;
  /**
   * For a server-streaming RPC: the one JSON answer its (shaped) messages are
   * collected into, unless the client asks for a stream (`accept:
   * text/event-stream` or `application/x-ndjson`). Default: always a stream.
   */
  readonly collect?: (messages: readonly unknown[]) => unknown;
  /**
   * For a unary RPC: the plain-text line a seed's gateway answered (`Soma de
   * 5 + 3 = 8`), sent unless the client asks for JSON (`accept:
   * application/json`). Default: always JSON.
   */
  readonly text?: (reply: unknown, request: unknown) => string;
}

/** What a local route answers: JSON, or plain text. */
export type LocalAnswer = { readonly status?: number; readonly json: unknown } | { readonly status?: number; readonly text: string };

/** A route the gateway answers itself. */
export interface LocalRoute {
  readonly kind: "local";
  readonly verb: RestVerb;
  readonly pattern: string;
  /** The answer; an RpcError thrown is answered with its mapped status. `signal` aborts when the client goes away. */
  readonly answer: (input: GatewayInput, signal: AbortSignal) => Promise<LocalAnswer>;
}

/** One gateway route. */
export type GatewayRoute = RpcRoute | LocalRoute;

/** Spec of {@link rpcRoute}: an {@link RpcRoute} whose response shaper is typed by the method. */
export interface RpcRouteSpec<M extends MethodDefinition> extends Omit<RpcRoute, "kind" | "rpc" | "response" | "text"> {
  readonly response?: (message: ResponseOf<M>) => unknown;
  readonly text?: (reply: ResponseOf<M>, request: RequestOf<M>) => string;
}

/** A route onto `service`'s `method`. */
export function rpcRoute<S extends ServiceDefinition, M extends MethodDefinition>(service: S, method: M, spec: RpcRouteSpec<M>): RpcRoute {
  const { response, text, ...rest } = spec;
  return {
    kind: "rpc",
    ...rest,
    rpc: methodPath(service, method),
    ...(response ? { response: response as (message: unknown) => unknown } : {}),
    ...(text ? { text: text as (reply: unknown, request: unknown) => string } : {}),
  };
}

/** A route the gateway answers itself. */
export function localRoute(verb: RestVerb, pattern: string, answer: LocalRoute["answer"]): LocalRoute {
  return { kind: "local", verb, pattern, answer };
}

/**
 * The route for `verb` on `path` with its path parameters; `allowed` lists the
 * verbs of the routes whose pattern fits when none has the verb (for a 405).
 */
export function findRoute(routes: readonly GatewayRoute[], verb: string, path: string): { readonly route?: GatewayRoute; readonly params: Readonly<Record<string, string>>; readonly allowed: readonly string[] } {
  // matchRest reads only verb and pattern, which every gateway route has; the route it returns is one of ours.
  const { match, allowed } = matchRest(routes as unknown as RestRoutes, verb, path);
  return match ? { route: match.route as unknown as GatewayRoute, params: match.params, allowed } : { params: {}, allowed };
}
