import type { CalculatorDefinition, CalculatorRequest, CalculatorResponse, DivideResponse } from "../../gen/lab/v1/calculator.js";
import { invalidArgument } from "../../core/errors.js";
import type { ImplOf } from "../../transports/router.js";
import { exact, requireSafeInteger } from "./safe-integer.js";

/**
 * Seed 000's module A: Sum, Subtract, Multiply and Divide on two int64
 * operands, exact within ±2^53-1. A result outside that range is OUT_OF_RANGE
 * (the seed's int32 silently wrapped); division by zero is INVALID_ARGUMENT.
 */
export class CalculatorService implements ImplOf<typeof CalculatorDefinition> {
  /** a + b. */
  async sum(request: CalculatorRequest): Promise<CalculatorResponse> {
    const { a, b } = operands(request);
    return { result: exact(`${request.a} + ${request.b}`, a + b) };
  }

  /** a - b. */
  async subtract(request: CalculatorRequest): Promise<CalculatorResponse> {
    const { a, b } = operands(request);
    return { result: exact(`${request.a} - ${request.b}`, a - b) };
  }

  /** a * b. */
  async multiply(request: CalculatorRequest): Promise<CalculatorResponse> {
    const { a, b } = operands(request);
    return { result: exact(`${request.a} * ${request.b}`, a * b) };
  }

  /**
   * a / b three ways: `quotient` truncated toward zero, `remainder` with the
   * sign of a (a = b * quotient + remainder), and the seed's double `result`.
   * Both integers are within range whenever a is, so this never overflows.
   */
  async divide(request: CalculatorRequest): Promise<DivideResponse> {
    const { a, b } = operands(request);
    if (b === 0n) throw invalidArgument("b must not be 0 (division by zero)");
    return { result: request.a / request.b, quotient: Number(a / b), remainder: Number(a % b) };
  }
}

function operands(request: CalculatorRequest): { a: bigint; b: bigint } {
  return { a: requireSafeInteger("a", request.a), b: requireSafeInteger("b", request.b) };
}
