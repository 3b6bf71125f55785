import * as hdr from "hdr-histogram-js";

/** Latencies of one operation, in ms: HDR percentiles (3 significant digits), mean and max. */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** The longest latency a histogram holds: 10 minutes (longer values are clamped to it). */
const HIGHEST_US = 600_000_000;

/** An HDR histogram of latencies recorded in ms with µs resolution. */
export class LatencyHistogram {
  readonly #histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 });

  /** Records one latency in ms (negative values count as 0). */
  record(ms: number): void {
    this.#histogram.recordValue(Math.min(HIGHEST_US, Math.max(0, Math.round(ms * 1000))));
  }

  /** Adds every value of `other`. */
  add(other: LatencyHistogram): void {
    this.#histogram.add(other.#histogram);
  }

  get count(): number {
    return this.#histogram.totalCount;
  }

  /** The percentiles, mean and max in ms (all 0 when empty). */
  summary(): LatencySummary {
    const h = this.#histogram;
    const ms = (us: number) => Math.round(us) / 1000;
    if (h.totalCount === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    // A percentile reads as the top of its bucket, which can pass the exact max by a rounding step.
    const at = (percentile: number) => ms(Math.min(h.getValueAtPercentile(percentile), h.maxValue));
    return { count: h.totalCount, mean: ms(h.mean), p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: ms(h.maxValue) };
  }
}
