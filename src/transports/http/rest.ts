/**
 * REST routes: plain HTTP verbs and paths mapped onto the router's RPC
 * handlers, so a REST surface shares every line of logic with the RPC one.
 */
import { Code } from "../codes.js";
import type { MethodDefinition, ResponseOf, ServiceDefinition } from "../definition.js";
import { methodPath } from "../definition.js";
import { RpcError } from "../rpc-error.js";

/** An HTTP verb a REST route can answer. */
export type RestVerb = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What a REST request brings: its path parameters, and its JSON body for verbs that carry one. */
export interface RestInput {
  /** Path parameters by name, percent-decoded (`/pedidos/:pedido_id` gives `pedido_id`). */
  readonly params: Readonly<Record<string, string>>;
  /** The body, a JSON object; undefined for GET and DELETE. */
  readonly body: Readonly<Record<string, unknown>> | undefined;
}

/** One REST route and the RPC it stands for. */
export interface RestRoute {
  readonly verb: RestVerb;
  /** Segments, `:name` capturing one segment: `/pedidos/:pedido_id/acompanhar`. */
  readonly pattern: string;
  /** The method path of the handler it calls, e.g. `/ecommerce.v1.Pedidos/CriarPedido`. */
  readonly rpc: string;
  /** The request in proto3 JSON (fed to `requestType.fromJSON`); may throw an RpcError. Default: the body, or `{}`. */
  readonly request?: (input: RestInput) => Record<string, unknown>;
  /** Status of a unary success. Default: 200. */
  readonly status?: number;
  /**
   * The JSON answered for one response message (each message, for a stream).
   * Default: its canonical proto3 JSON with defaulted fields filled in.
   */
  readonly response?: (message: unknown) => unknown;
}

/** REST routes, tried in order. */
export type RestRoutes = readonly RestRoute[];

/** Spec of {@link restRoute}: a {@link RestRoute} whose response shaper is typed by the method. */
export interface RestRouteSpec<M extends MethodDefinition> extends Omit<RestRoute, "rpc" | "response"> {
  readonly response?: (message: ResponseOf<M>) => unknown;
}

/** A REST route onto `service`'s `method`. */
export function restRoute<S extends ServiceDefinition, M extends MethodDefinition>(service: S, method: M, spec: RestRouteSpec<M>): RestRoute {
  const { response, ...rest } = spec;
  return { ...rest, rpc: methodPath(service, method), ...(response ? { response: response as (message: unknown) => unknown } : {}) };
}

/** A matched route with its parameters. */
export interface RestMatch {
  readonly route: RestRoute;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * The route for `verb` on `path`; `allowed` lists the verbs of every route
 * whose pattern fits the path (for a 405's Allow header) when none has the verb.
 */
export function matchRest(routes: RestRoutes, verb: string, path: string): { readonly match?: RestMatch; readonly allowed: readonly string[] } {
  const segments = path.split("/").slice(1);
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPattern(route.pattern, segments);
    if (!params) continue;
    if (route.verb === verb) return { match: { route, params }, allowed };
    if (!allowed.includes(route.verb)) allowed.push(route.verb);
  }
  return { allowed };
}

function matchPattern(pattern: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = pattern.split("/").slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i]!;
    if (part.startsWith(":")) {
      if (segment === "") return undefined;
      params[part.slice(1)] = safeDecode(segment);
    } else if (part !== segment) return undefined;
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A path parameter as a positive integer id; INVALID_ARGUMENT naming the parameter otherwise. */
export function idParam(params: Readonly<Record<string, string>>, name: string): number {
  const raw = params[name] ?? "";
  const value = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new RpcError(Code.INVALID_ARGUMENT, `${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}
