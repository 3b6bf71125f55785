/** Latency percentiles in ms, as the report prints them. */
export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles of `values` (rounded to 0.01 ms); zeros when empty. */
export function summarizeLatencies(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
  return { p50: at(50), p90: at(90), p99: at(99), max: round(sorted[sorted.length - 1]!) };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
