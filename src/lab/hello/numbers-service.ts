import type { NumberReply, ServiceBDefinition, StreamRequest } from "../../gen/lab/v1/numbers.js";
import { sleep, type Clock } from "../../core/clock.js";
import { requireIntInRange } from "../../core/errors.js";
import type { CallContext } from "../../transports/call.js";
import type { ImplOf } from "../../transports/router.js";

/** Limits of StreamNumbers: outside them the request is INVALID_ARGUMENT. */
export const STREAM_LIMITS = { minCount: 1, maxCount: 1000, minDelayMs: 0, maxDelayMs: 10_000 } as const;

/** How one StreamNumbers call ended, as seen by the handler. */
export interface StreamSummary {
  readonly count: number;
  readonly delayMs: number;
  /** Numbers handed to the transport. */
  readonly sent: number;
  /**
   * `completed`: all `count` sent; `cancelled`: the call's signal aborted
   * (cancel, deadline, disconnect); `stopped`: the consumer stopped reading.
   */
  readonly outcome: "completed" | "cancelled" | "stopped";
}

/** Dependencies of {@link NumbersService}. */
export interface NumbersServiceDeps {
  /** Times the delays between numbers. */
  readonly clock: Clock;
  /** Called once when a valid call's stream ends, however it ends. Default: nothing. */
  readonly onStreamEnd?: (summary: StreamSummary) => void;
}

/** Seed 001's server-streaming ServiceB: StreamNumbers(count, delay_ms) yields 1..count. */
export class NumbersService implements ImplOf<typeof ServiceBDefinition> {
  constructor(private readonly deps: NumbersServiceDeps) {}

  /**
   * Yields value = 1..count in order, sleeping `delay_ms` on the injected clock
   * between two numbers (not before the first nor after the last). The sleep
   * listens to the call's signal, so a cancelled call stops mid-delay; without
   * a delay the transport stops pulling numbers once the call is aborted.
   */
  async *streamNumbers(request: StreamRequest, context: CallContext): AsyncGenerator<NumberReply> {
    const { count, delayMs } = request;
    requireIntInRange("count", count, STREAM_LIMITS.minCount, STREAM_LIMITS.maxCount);
    requireIntInRange("delay_ms", delayMs, STREAM_LIMITS.minDelayMs, STREAM_LIMITS.maxDelayMs);
    let sent = 0;
    let outcome: StreamSummary["outcome"] = "stopped";
    try {
      for (let value = 1; value <= count; value++) {
        if (value > 1 && delayMs > 0) {
          await sleep(this.deps.clock, delayMs, context.signal);
          context.signal.throwIfAborted();
        }
        sent = value;
        yield { value };
      }
      outcome = "completed";
    } finally {
      // An abort mid-delay throws out of the sleep; without a delay the transport notices it between
      // two numbers and stops pulling. The signal is read only then: reading it makes the call's
      // AbortController (microseconds).
      if (outcome === "stopped" && context.signal.aborted) outcome = "cancelled";
      this.deps.onStreamEnd?.({ count, delayMs, sent, outcome });
    }
  }
}
