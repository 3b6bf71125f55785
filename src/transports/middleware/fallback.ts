import type { Clock } from "../../core/clock.js";
import type { CallRequest, Transport } from "../call.js";
import { withDeadline } from "../call-request.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";
import { settlePermit, type CircuitBreaker } from "./circuit-breaker.js";
import { observeCall } from "./stream-end.js";

/** Why a call went to the secondary. */
export type FallbackEvent =
  | { readonly reason: "breaker-open"; readonly path: string }
  | { readonly reason: "error"; readonly path: string; readonly error: RpcError };

/** Options of {@link withFallback}. */
export interface FallbackOptions {
  readonly primary: Transport;
  readonly secondary: Transport;
  /**
   * Guards the primary: while it is open, calls go straight to the secondary
   * (always, whatever `shouldFallback` says); the primary's outcomes are counted in it. Default: none.
   */
  readonly breaker?: CircuitBreaker;
  /** Which primary failures go to the secondary. Default: UNAVAILABLE and DEADLINE_EXCEEDED. */
  readonly shouldFallback?: (error: RpcError) => boolean;
  /**
   * The primary gets at most this long (never past the call's deadline), so a
   * primary that hangs leaves time for the secondary. Needs `clock`. Default: the call's whole deadline.
   */
  readonly primaryTimeoutMs?: number;
  /** Times `primaryTimeoutMs`, and tells a call whose own deadline has passed (not sent to the secondary). Default: none (no such check). */
  readonly clock?: Clock;
  /** Told about every call sent to the secondary. */
  readonly onFallback?: (event: FallbackEvent) => void;
}

const DEFAULT_FALLBACK_ON = new Set<Code>([Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED]);

/**
 * The seed's fallback: calls the primary and, when its breaker is open or the
 * call fails with a fallback code, sends the same request to the secondary.
 * It never falls back after the caller cancelled or once the call's own
 * deadline has passed (the secondary would have no time), and a stream falls
 * back only if it fails before it opens, never midway.
 */
export function withFallback(options: FallbackOptions): Transport {
  const { primary, secondary, breaker, onFallback } = options;
  const shouldFallback = options.shouldFallback ?? ((error: RpcError) => DEFAULT_FALLBACK_ON.has(error.code));
  if (options.primaryTimeoutMs !== undefined && !options.clock) throw new TypeError("primaryTimeoutMs needs a clock");

  const callPrimary = (request: CallRequest) => {
    const timeout = options.primaryTimeoutMs;
    const attempt =
      timeout === undefined || !options.clock
        ? request
        : withDeadline(request, Math.min(request.deadline ?? Number.POSITIVE_INFINITY, options.clock.now() + timeout));
    if (!breaker) return primary.call(attempt);
    const permit = breaker.tryAcquire();
    if (!permit) return undefined;
    return observeCall(() => primary.call(attempt), request.signal, (end) => settlePermit(permit, end));
  };
  const expired = (request: CallRequest) =>
    request.deadline !== undefined && options.clock !== undefined && options.clock.now() >= request.deadline;

  return {
    async call(request) {
      try {
        const first = callPrimary(request);
        if (first) return await first;
      } catch (caught) {
        const error = RpcError.from(caught);
        if (request.signal.aborted || expired(request) || !shouldFallback(error)) throw caught;
        onFallback?.({ reason: "error", path: request.path, error });
        return secondary.call(request);
      }
      onFallback?.({ reason: "breaker-open", path: request.path });
      return secondary.call(request);
    },
  };
}
