import { sleep, type Clock } from "../../core/clock.js";
import type { Random } from "../../core/random.js";
import type { Interceptor } from "../call.js";
import { withDeadline } from "../call-request.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";
import type { RetryBudget } from "./retry-budget.js";

/** Options of {@link retry}. */
export interface RetryOptions {
  readonly clock: Clock;
  /** Draws the jitter. */
  readonly random: Random;
  /** Attempts in all, the first included. Default: 5. */
  readonly maxAttempts?: number;
  /** Backoff before retry n is uniform in [0, min(capMs, baseMs * 2^n)] (full jitter). Default: 10. */
  readonly baseMs?: number;
  /** Default: 1000. */
  readonly capMs?: number;
  /**
   * Each attempt gets at most this long (never past the call's deadline), so a
   * lost message costs one attempt, not the whole budget. Default: none.
   */
  readonly attemptTimeoutMs?: number;
  /** Codes worth another attempt. Default: UNAVAILABLE, DEADLINE_EXCEEDED (of an attempt), ABORTED, RESOURCE_EXHAUSTED. */
  readonly retryOn?: readonly Code[];
  /** Whether a method may be retried. Default: every method (the checkout's are all idempotent). */
  readonly idempotent?: (path: string) => boolean;
  /**
   * Shared by this client's calls: failed attempts drain it, successes refill it, and no
   * retry goes out while it is at half or below (gRPC's retryThrottling). Default: none.
   */
  readonly budget?: RetryBudget;
  /** Told about every retry, e.g. to count them. */
  readonly onRetry?: (path: string, attempt: number, error: RpcError) => void;
}

const DEFAULT_RETRY_ON: readonly Code[] = [Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED, Code.ABORTED, Code.RESOURCE_EXHAUSTED];

/**
 * Retries failed unary calls with exponential backoff and full jitter, never
 * past the call's deadline and never after the caller cancelled.
 */
export function retry(options: RetryOptions): Interceptor {
  const { clock, random } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const base = options.baseMs ?? 10;
  const cap = options.capMs ?? 1000;
  const retryOn = new Set(options.retryOn ?? DEFAULT_RETRY_ON);
  const budget = options.budget;
  return (next) => async (request) => {
    if (request.method.responseStream || !(options.idempotent?.(request.path) ?? true)) return next(request);
    for (let attempt = 1; ; attempt++) {
      const attemptDeadline =
        options.attemptTimeoutMs === undefined
          ? request.deadline
          : Math.min(request.deadline ?? Number.POSITIVE_INFINITY, clock.now() + options.attemptTimeoutMs);
      try {
        const response = await next(withDeadline(request, attemptDeadline));
        budget?.recordSuccess();
        return response;
      } catch (caught) {
        const error = RpcError.from(caught);
        const retryable = retryOn.has(error.code);
        if (retryable) budget?.recordFailure();
        const backoff = random.next() * Math.min(cap, base * 2 ** (attempt - 1));
        const outOfTime = request.deadline !== undefined && clock.now() + backoff >= request.deadline;
        const throttled = budget !== undefined && !budget.allowsRetry;
        if (attempt >= maxAttempts || !retryable || request.signal.aborted || outOfTime || throttled) {
          // An attempt's own timeout is not the call's: past the call's deadline, say so.
          throw outOfTime && error.code === Code.DEADLINE_EXCEEDED ? new RpcError(Code.DEADLINE_EXCEEDED, "deadline exceeded after retries") : error;
        }
        options.onRetry?.(request.path, attempt, error);
        await sleep(clock, backoff, request.signal);
      }
    }
  };
}
