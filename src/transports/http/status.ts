import { Code, codeFromName, codeName } from "../codes.js";
import { RpcError } from "../rpc-error.js";

/**
 * The HTTP status each gRPC code travels with. FAILED_PRECONDITION is 400, not
 * 412: 412 belongs to HTTP's own conditional headers (If-Match), which this
 * surface does not use (Connect and Google's API guide choose 400 as well).
 */
export const HTTP_STATUS_OF_CODE: Readonly<Record<Code, number>> = {
  [Code.OK]: 200,
  [Code.CANCELLED]: 499,
  [Code.UNKNOWN]: 500,
  [Code.INVALID_ARGUMENT]: 400,
  [Code.DEADLINE_EXCEEDED]: 504,
  [Code.NOT_FOUND]: 404,
  [Code.ALREADY_EXISTS]: 409,
  [Code.PERMISSION_DENIED]: 403,
  [Code.RESOURCE_EXHAUSTED]: 429,
  [Code.FAILED_PRECONDITION]: 400,
  [Code.ABORTED]: 409,
  [Code.OUT_OF_RANGE]: 400,
  [Code.UNIMPLEMENTED]: 501,
  [Code.INTERNAL]: 500,
  [Code.UNAVAILABLE]: 503,
  [Code.DATA_LOSS]: 500,
  [Code.UNAUTHENTICATED]: 401,
};

/** The JSON body of every error answer: `{"code": "NOT_FOUND", "message": "..."}`. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
}

/** An error as its JSON body. */
export function errorBody(error: RpcError): ErrorBody {
  return { code: codeName(error.code), message: error.message };
}

/** True when `value` looks like an {@link ErrorBody}. */
export function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === "object" && value !== null && typeof (value as ErrorBody).code === "string" && typeof (value as ErrorBody).message === "string";
}

/**
 * The code for an HTTP error answer that carries no usable error body (a proxy's
 * page, say), as gRPC maps HTTP statuses: 401, 403, 404 (UNIMPLEMENTED), 429/502/503/504
 * (UNAVAILABLE), 499 (CANCELLED), anything else UNKNOWN.
 */
export function codeOfHttpStatus(status: number): Code {
  switch (status) {
    case 400:
      return Code.INTERNAL;
    case 401:
      return Code.UNAUTHENTICATED;
    case 403:
      return Code.PERMISSION_DENIED;
    case 404:
      return Code.UNIMPLEMENTED;
    case 499:
      return Code.CANCELLED;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.UNAVAILABLE;
    default:
      return Code.UNKNOWN;
  }
}

/** The RpcError an error answer stands for: its body's code and message, or one derived from the status. */
export function errorFromAnswer(status: number, body: unknown): RpcError {
  if (isErrorBody(body)) {
    const code = codeFromName(body.code);
    if (code !== undefined && code !== Code.OK) return new RpcError(code, body.message);
    return new RpcError(Code.UNKNOWN, body.message);
  }
  return new RpcError(codeOfHttpStatus(status), `HTTP ${status} without an error body`);
}
