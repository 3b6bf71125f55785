import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

/**
 * A refusal decided by the HTTP layer itself (bad media type, body too large,
 * no such route, wrong verb), with the exact status and headers to answer with
 * instead of the ones its code would map to.
 */
export class HttpFailure extends RpcError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: Code, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(code, message);
    this.status = status;
    this.headers = headers;
  }
}

/** 404 for a path no route serves: UNIMPLEMENTED for an RPC-shaped path (`/pkg.Service/Method`), else NOT_FOUND. */
export function noRoute(method: string, path: string): HttpFailure {
  return /^\/[^/]+\.[^/]+\/[^/]+$/.test(path)
    ? new HttpFailure(404, Code.UNIMPLEMENTED, `unknown method ${path}`)
    : new HttpFailure(404, Code.NOT_FOUND, `no route for ${method} ${path}`);
}

/** 405 with the verbs the path does accept. */
export function wrongVerb(method: string, path: string, allowed: readonly string[]): HttpFailure {
  const allow = allowed.join(", ");
  return new HttpFailure(405, Code.UNIMPLEMENTED, `${method} is not allowed on ${path}; use ${allow}`, { allow });
}
