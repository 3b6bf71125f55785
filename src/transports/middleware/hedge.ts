import type { Clock } from "../../core/clock.js";
import type { CallResponse, Interceptor } from "../call.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

/** Options of {@link hedge}. */
export interface HedgeOptions {
  readonly clock: Clock;
  /** Send the next copy when no answer came within this long of the previous one. */
  readonly hedgeAfterMs: number;
  /** Copies in all, the first included. Default: 2. */
  readonly maxAttempts?: number;
  /** Codes after which the next copy goes at once instead of waiting; any other failure ends the call. Default: UNAVAILABLE. */
  readonly hedgeOn?: readonly Code[];
  /** Whether a method may be hedged (it will run more than once). Default: none; say which reads are safe. */
  readonly idempotent?: (path: string) => boolean;
  /** Told about every copy after the first (attempt is 2, 3, ...). */
  readonly onHedge?: (path: string, attempt: number) => void;
}

/**
 * Hedged requests for idempotent unary reads: if the first copy has no answer
 * after `hedgeAfterMs`, a second is sent (and so on up to `maxAttempts`); the
 * first answer wins and the copies still in flight are cancelled (CANCELLED,
 * "hedge lost"). Put it above `balanced(...)` with `leastOutstanding()` or
 * `powerOfTwoChoices()`, which send the copy to an instance that is not busy
 * with the first. Streams and non-idempotent methods pass through untouched.
 */
export function hedge(options: HedgeOptions): Interceptor {
  const { clock, hedgeAfterMs } = options;
  const maxAttempts = options.maxAttempts ?? 2;
  const hedgeOn = new Set(options.hedgeOn ?? [Code.UNAVAILABLE]);
  const idempotent = options.idempotent ?? (() => false);
  return (next) => (request) => {
    if (request.method.responseStream || !idempotent(request.path) || maxAttempts <= 1) return next(request);
    if (request.signal.aborted) return Promise.reject(RpcError.from(request.signal.reason));
    return new Promise<CallResponse>((resolve, reject) => {
      const copies: AbortController[] = [];
      let started = 0;
      let failed = 0;
      let settled = false;
      let cancelTimer = () => {};
      const onAbort = () => copies.forEach((copy) => copy.abort(request.signal.reason));
      const finish = (winner: AbortController | undefined) => {
        settled = true;
        cancelTimer();
        request.signal.removeEventListener("abort", onAbort);
        for (const copy of copies) if (copy !== winner) copy.abort(new RpcError(Code.CANCELLED, "hedge lost"));
      };
      const launch = () => {
        if (settled || started >= maxAttempts) return;
        const attempt = ++started;
        if (attempt > 1) options.onHedge?.(request.path, attempt);
        cancelTimer();
        cancelTimer = started < maxAttempts ? clock.setTimer(hedgeAfterMs, launch) : () => {};
        const copy = new AbortController();
        copies.push(copy);
        const sent = (async () => next({ ...request, signal: copy.signal }))();
        sent.then(
          (response) => {
            if (settled) return;
            finish(copy);
            resolve(response);
          },
          (error: unknown) => {
            if (settled) return;
            failed++;
            const hedgeable = hedgeOn.has(RpcError.from(error).code) && !request.signal.aborted;
            if (hedgeable && started < maxAttempts) return launch();
            if (hedgeable && failed < started) return; // a copy is still on its way
            finish(undefined);
            reject(error);
          },
        );
      };
      request.signal.addEventListener("abort", onAbort, { once: true });
      launch();
    });
  };
}
