import { Code } from "../transports/codes.js";
import { RpcError } from "../transports/rpc-error.js";

/** The domain's refusals, as RPC errors any transport carries with their message. */

/** The request is malformed; `message` names the field. */
export function invalidArgument(message: string): RpcError {
  return new RpcError(Code.INVALID_ARGUMENT, message);
}

/** Something the request names does not exist. */
export function notFound(message: string): RpcError {
  return new RpcError(Code.NOT_FOUND, message);
}

/** The request is valid but conflicts with what is recorded. */
export function failedPrecondition(message: string): RpcError {
  return new RpcError(Code.FAILED_PRECONDITION, message);
}

/** Throws INVALID_ARGUMENT unless `value` is an integer in [min, max]. */
export function requireIntInRange(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(`${field} must be an integer in ${min}..${max}, got ${value}`);
  }
}

/** Throws INVALID_ARGUMENT unless `value` is a positive integer id. */
export function requireId(field: string, value: number): void {
  requireIntInRange(field, value, 1, Number.MAX_SAFE_INTEGER);
}

/** True if `value` is a positive integer id (what {@link requireId} accepts). */
export function isId(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= Number.MAX_SAFE_INTEGER;
}
