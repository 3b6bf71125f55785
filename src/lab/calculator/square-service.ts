import type {
  FactorialRequest,
  FactorialResponse,
  PowerRequest,
  PowerResponse,
  SqrtRequest,
  SqrtResponse,
  SquareRequest,
  SquareResponse,
  SquareServiceDefinition,
} from "../../gen/lab/v1/square.js";
import { invalidArgument } from "../../core/errors.js";
import type { ImplOf } from "../../transports/router.js";
import { exact, fits, outOfRange, requireNonNegativeInteger, requireSafeInteger } from "./safe-integer.js";

/** The largest n whose factorial fits within 2^53-1 (18! = 6402373705728000; 19! does not fit). */
export const MAX_FACTORIAL_INPUT = 18;

/**
 * Seed 000's module B: Square, Sqrt, Power and Factorial. Integer results are
 * exact or OUT_OF_RANGE (the seed's Python rounded through math.pow or
 * overflowed int64); invalid negative inputs are INVALID_ARGUMENT naming the field.
 */
export class SquareService implements ImplOf<typeof SquareServiceDefinition> {
  /** number * number. */
  async square(request: SquareRequest): Promise<SquareResponse> {
    const n = requireSafeInteger("number", request.number);
    return { result: exact(`square(${request.number})`, n * n) };
  }

  /** The square root of a finite number >= 0. */
  async sqrt(request: SqrtRequest): Promise<SqrtResponse> {
    const n = request.number;
    if (!Number.isFinite(n)) throw invalidArgument(`number must be a finite number, got ${n}`);
    if (n < 0) throw invalidArgument(`number must be >= 0 (no real square root), got ${n}`);
    // + 0 turns sqrt(-0) = -0 into 0.
    return { result: Math.sqrt(n) + 0 };
  }

  /** base ^ exponent for exponent >= 0; 0^0 = 1. */
  async power(request: PowerRequest): Promise<PowerResponse> {
    const base = requireSafeInteger("base", request.base);
    const exponent = requireNonNegativeInteger("exponent", request.exponent);
    if (exponent === 0n) return { result: 1 };
    // These three never grow, whatever the exponent (which may be up to 2^53-1).
    if (base === 0n || base === 1n) return { result: Number(base) };
    if (base === -1n) return { result: exponent % 2n === 0n ? 1 : -1 };
    // |base| >= 2: at most 53 multiplications before the result leaves the range.
    let result = 1n;
    for (let i = 0n; i < exponent; i++) {
      result *= base;
      if (!fits(result)) throw outOfRange(`power(${request.base}, ${request.exponent})`);
    }
    return { result: Number(result) };
  }

  /** number! for number >= 0; 0! = 1. */
  async factorial(request: FactorialRequest): Promise<FactorialResponse> {
    const n = requireNonNegativeInteger("number", request.number);
    if (n > BigInt(MAX_FACTORIAL_INPUT)) {
      throw outOfRange(`factorial(${request.number})`, `${MAX_FACTORIAL_INPUT}! is the largest that fits`);
    }
    let result = 1n;
    for (let i = 2n; i <= n; i++) result *= i;
    return { result: exact(`factorial(${request.number})`, result) };
  }
}
