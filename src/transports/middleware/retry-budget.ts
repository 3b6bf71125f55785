/** Options of {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /** Tokens the bucket holds, and starts with. Default: 10 (gRPC's retryThrottling example). */
  readonly maxTokens?: number;
  /** Tokens a successful attempt puts back. Default: 0.1. */
  readonly tokenRatio?: number;
}

/** Token counts are kept in thousandths, as gRPC does, so that adding 0.1 ten times is exactly 1. */
const SCALE = 1000;

/**
 * gRPC's retry throttling for one client: a bucket of tokens where every
 * attempt that fails with a retryable code takes one and every success puts
 * `tokenRatio` back. Retries go out only while more than half the bucket is
 * left, so when most attempts fail (the servers are past saturation) the
 * client stops multiplying its load, and starts again once calls succeed.
 * No clock, no randomness: the same outcomes give the same decisions.
 */
export class RetryBudget {
  readonly #max: number;
  readonly #ratio: number;
  #tokens: number;

  constructor(options: RetryBudgetOptions = {}) {
    const maxTokens = options.maxTokens ?? 10;
    const tokenRatio = options.tokenRatio ?? 0.1;
    if (!(maxTokens > 0 && maxTokens <= 1000)) throw new RangeError(`maxTokens must be in (0, 1000], got ${maxTokens}`);
    if (!(tokenRatio > 0 && tokenRatio <= maxTokens)) throw new RangeError(`tokenRatio must be in (0, maxTokens], got ${tokenRatio}`);
    this.#max = Math.round(maxTokens * SCALE);
    this.#ratio = Math.round(tokenRatio * SCALE);
    this.#tokens = this.#max;
  }

  /** Tokens left (a multiple of 0.001). */
  get tokens(): number {
    return this.#tokens / SCALE;
  }

  /** Whether a retry may be sent now: more than half the bucket is left. */
  get allowsRetry(): boolean {
    return this.#tokens * 2 > this.#max;
  }

  /** An attempt failed with a retryable code. */
  recordFailure(): void {
    this.#tokens = Math.max(0, this.#tokens - SCALE);
  }

  /** An attempt succeeded. */
  recordSuccess(): void {
    this.#tokens = Math.min(this.#max, this.#tokens + this.#ratio);
  }
}
