import { invalidArgument } from "../../core/errors.js";
import { Code } from "../../transports/codes.js";
import { RpcError } from "../../transports/rpc-error.js";

/**
 * Exact integer arithmetic for the lab calculators. int64 fields reach
 * TypeScript as `number` (ts-proto forceLong=number), so the exact range is
 * ±Number.MAX_SAFE_INTEGER: operands are checked against it, results are
 * computed in BigInt and refused with OUT_OF_RANGE past it, never rounded.
 */

/** The largest magnitude an operand or integer result may have: 2^53 - 1. */
export const SAFE_LIMIT = Number.MAX_SAFE_INTEGER;

const SAFE_LIMIT_BIG = BigInt(SAFE_LIMIT);

/** Throws INVALID_ARGUMENT naming `field` unless `value` is an integer within ±2^53-1. */
export function requireSafeInteger(field: string, value: number): bigint {
  if (!Number.isSafeInteger(value)) throw invalidArgument(`${field} must be an integer within ±${SAFE_LIMIT}, got ${value}`);
  return BigInt(value);
}

/** Throws INVALID_ARGUMENT naming `field` unless `value` is an integer in 0..2^53-1. */
export function requireNonNegativeInteger(field: string, value: number): bigint {
  const big = requireSafeInteger(field, value);
  if (big < 0n) throw invalidArgument(`${field} must be >= 0, got ${value}`);
  return big;
}

/** The OUT_OF_RANGE error for a result (described by `what`) past ±2^53-1, with an optional `hint`. */
export function outOfRange(what: string, hint?: string): RpcError {
  const message = `${what} is outside ±${SAFE_LIMIT} (Number.MAX_SAFE_INTEGER)`;
  return new RpcError(Code.OUT_OF_RANGE, hint === undefined ? message : `${message}; ${hint}`);
}

/** True when `value` fits within ±2^53-1. */
export function fits(value: bigint): boolean {
  return value <= SAFE_LIMIT_BIG && value >= -SAFE_LIMIT_BIG;
}

/** `value` as a number; OUT_OF_RANGE (saying `what` overflowed) when it does not fit. */
export function exact(what: string, value: bigint): number {
  if (!fits(value)) throw outOfRange(`${what} = ${value}`);
  return Number(value);
}
