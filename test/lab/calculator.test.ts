import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CalculatorDefinition } from "../../src/gen/lab/v1/calculator.js";
import { SquareServiceDefinition } from "../../src/gen/lab/v1/square.js";
import { CalculatorService } from "../../src/lab/calculator/calculator-service.js";
import { SquareService } from "../../src/lab/calculator/square-service.js";
import { Code } from "../../src/transports/index.js";
import { inProcessClient, rejectsWith } from "./helpers.js";

const MAX = Number.MAX_SAFE_INTEGER;

describe("Calculator (seed 000, module A)", () => {
  const calc = inProcessClient(CalculatorDefinition, new CalculatorService());

  it("sums, subtracts and multiplies exactly", async () => {
    assert.deepEqual(await calc.sum({ a: 5, b: 3 }), { result: 8 });
    assert.deepEqual(await calc.sum({ a: -7, b: 2 }), { result: -5 });
    assert.deepEqual(await calc.subtract({ a: 5, b: 3 }), { result: 2 });
    assert.deepEqual(await calc.subtract({ a: 3, b: 5 }), { result: -2 });
    assert.deepEqual(await calc.multiply({ a: -4, b: 6 }), { result: -24 });
    assert.deepEqual(await calc.multiply({ a: 0, b: MAX }), { result: 0 });
    // The seed's int32 would have wrapped here.
    assert.deepEqual(await calc.multiply({ a: 100_000, b: 100_000 }), { result: 10_000_000_000 });
    assert.deepEqual(await calc.sum({ a: MAX - 1, b: 1 }), { result: MAX });
    assert.deepEqual(await calc.subtract({ a: -MAX + 1, b: 1 }), { result: -MAX });
  });

  it("refuses results past ±MAX_SAFE_INTEGER with OUT_OF_RANGE instead of rounding", async () => {
    await rejectsWith(calc.sum({ a: MAX, b: 1 }), Code.OUT_OF_RANGE, /9007199254740991 \+ 1 = 9007199254740992 is outside/);
    await rejectsWith(calc.subtract({ a: -MAX, b: 1 }), Code.OUT_OF_RANGE);
    await rejectsWith(calc.multiply({ a: 2 ** 30, b: 2 ** 30 }), Code.OUT_OF_RANGE, /1073741824 \* 1073741824/);
  });

  it("divides into an exact quotient and remainder plus the seed's double result", async () => {
    assert.deepEqual(await calc.divide({ a: 7, b: 2 }), { result: 3.5, quotient: 3, remainder: 1 });
    assert.deepEqual(await calc.divide({ a: -7, b: 2 }), { result: -3.5, quotient: -3, remainder: -1 });
    assert.deepEqual(await calc.divide({ a: 7, b: -2 }), { result: -3.5, quotient: -3, remainder: 1 });
    assert.deepEqual(await calc.divide({ a: 6, b: 3 }), { result: 2, quotient: 2, remainder: 0 });
    assert.deepEqual(await calc.divide({ a: 0, b: 5 }), { result: 0, quotient: 0, remainder: 0 });
    const big = await calc.divide({ a: MAX, b: 2 });
    assert.equal(big.quotient, 4503599627370495);
    assert.equal(big.remainder, 1);
    assert.deepEqual(await calc.divide({ a: -MAX, b: -1 }), { result: MAX, quotient: MAX, remainder: 0 });
  });

  it("refuses division by zero with INVALID_ARGUMENT naming b", async () => {
    await rejectsWith(calc.divide({ a: 1, b: 0 }), Code.INVALID_ARGUMENT, /^b must not be 0/);
    await rejectsWith(calc.divide({ a: 0, b: 0 }), Code.INVALID_ARGUMENT, /^b must not be 0/);
  });

  it("refuses operands the wire cannot carry exactly", async () => {
    // Straight to the class: the codec would already refuse these while decoding.
    const service = new CalculatorService();
    await rejectsWith(service.sum({ a: 1.5, b: 1 }), Code.INVALID_ARGUMENT, /^a must be an integer/);
    await rejectsWith(service.multiply({ a: 1, b: 2 ** 60 }), Code.INVALID_ARGUMENT, /^b must be an integer/);
    await rejectsWith(service.divide({ a: Number.NaN, b: 1 }), Code.INVALID_ARGUMENT, /^a must be/);
  });
});

describe("SquareService (seed 000, module B)", () => {
  const sq = inProcessClient(SquareServiceDefinition, new SquareService());

  it("squares, including negatives, up to the largest safe square", async () => {
    assert.deepEqual(await sq.square({ number: 7 }), { result: 49 });
    assert.deepEqual(await sq.square({ number: -7 }), { result: 49 });
    assert.deepEqual(await sq.square({ number: 0 }), { result: 0 });
    assert.deepEqual(await sq.square({ number: 94_906_265 }), { result: 94_906_265 ** 2 });
    await rejectsWith(sq.square({ number: 94_906_266 }), Code.OUT_OF_RANGE, /^square\(94906266\) = 9007199326062756 is outside/);
  });

  it("takes square roots of non-negative numbers only", async () => {
    assert.deepEqual(await sq.sqrt({ number: 16 }), { result: 4 });
    assert.deepEqual(await sq.sqrt({ number: 2 }), { result: Math.SQRT2 });
    assert.deepEqual(await sq.sqrt({ number: 0.25 }), { result: 0.5 });
    assert.ok(Object.is((await sq.sqrt({ number: -0 })).result, 0));
    await rejectsWith(sq.sqrt({ number: -4 }), Code.INVALID_ARGUMENT, /^number must be >= 0/);
    await rejectsWith(sq.sqrt({ number: Number.NaN }), Code.INVALID_ARGUMENT, /^number must be a finite number/);
    await rejectsWith(sq.sqrt({ number: Number.POSITIVE_INFINITY }), Code.INVALID_ARGUMENT, /^number must be a finite number/);
  });

  it("raises to non-negative powers exactly", async () => {
    assert.deepEqual(await sq.power({ base: 2, exponent: 10 }), { result: 1024 });
    assert.deepEqual(await sq.power({ base: -3, exponent: 3 }), { result: -27 });
    assert.deepEqual(await sq.power({ base: 5, exponent: 0 }), { result: 1 });
    assert.deepEqual(await sq.power({ base: 0, exponent: 0 }), { result: 1 });
    assert.deepEqual(await sq.power({ base: 0, exponent: 5 }), { result: 0 });
    assert.deepEqual(await sq.power({ base: 1, exponent: MAX }), { result: 1 });
    assert.deepEqual(await sq.power({ base: -1, exponent: MAX }), { result: -1 });
    assert.deepEqual(await sq.power({ base: -1, exponent: MAX - 1 }), { result: 1 });
    // 3^33 is the largest power of 3 within 2^53-1; 3^34 must be refused, not rounded (as math.pow in the seed would).
    assert.deepEqual(await sq.power({ base: 3, exponent: 33 }), { result: 5559060566555523 });
    assert.deepEqual(await sq.power({ base: -2, exponent: 51 }), { result: -(2 ** 51) });
    assert.deepEqual(await sq.power({ base: 2, exponent: 52 }), { result: 2 ** 52 });
  });

  it("refuses negative exponents and overflowing powers", async () => {
    await rejectsWith(sq.power({ base: 2, exponent: -1 }), Code.INVALID_ARGUMENT, /^exponent must be >= 0, got -1/);
    await rejectsWith(sq.power({ base: 2, exponent: 53 }), Code.OUT_OF_RANGE, /^power\(2, 53\) is outside ±9007199254740991/);
    await rejectsWith(sq.power({ base: -2, exponent: 53 }), Code.OUT_OF_RANGE);
    await rejectsWith(sq.power({ base: 3, exponent: 34 }), Code.OUT_OF_RANGE, /^power\(3, 34\)/);
    await rejectsWith(sq.power({ base: 10, exponent: 1000 }), Code.OUT_OF_RANGE);
    await rejectsWith(sq.power({ base: -2, exponent: MAX }), Code.OUT_OF_RANGE);
  });

  it("computes factorials up to 18! and refuses the rest", async () => {
    assert.deepEqual(await sq.factorial({ number: 0 }), { result: 1 });
    assert.deepEqual(await sq.factorial({ number: 1 }), { result: 1 });
    assert.deepEqual(await sq.factorial({ number: 5 }), { result: 120 });
    assert.deepEqual(await sq.factorial({ number: 18 }), { result: 6_402_373_705_728_000 });
    await rejectsWith(sq.factorial({ number: 19 }), Code.OUT_OF_RANGE, /^factorial\(19\) is outside/);
    await rejectsWith(sq.factorial({ number: 25 }), Code.OUT_OF_RANGE, /^factorial\(25\) is outside .*18! is the largest/);
    await rejectsWith(sq.factorial({ number: MAX }), Code.OUT_OF_RANGE);
    await rejectsWith(sq.factorial({ number: -1 }), Code.INVALID_ARGUMENT, /^number must be >= 0, got -1/);
  });
});
