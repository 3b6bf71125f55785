import type { Random } from "../../core/random.js";

/** How long a message takes on a link. */
export type LatencyDistribution =
  | { readonly kind: "fixed"; readonly ms: number }
  | { readonly kind: "uniform"; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: "exponential"; readonly meanMs: number }
  /** Mostly `fastMs`, and `slowMs` with `slowProbability` (default 0.001): a rare slow tail. */
  | { readonly kind: "bimodal"; readonly fastMs: number; readonly slowMs: number; readonly slowProbability?: number };

/** The links' latency unless a fault says otherwise: 0.5..1.5 ms, like a quiet data-centre network. */
export const DEFAULT_LATENCY: LatencyDistribution = { kind: "uniform", minMs: 0.5, maxMs: 1.5 };

/** Draws one latency in ms (rounded to µs so traces stay short and exact). */
export function sampleLatency(distribution: LatencyDistribution, random: Random): number {
  const ms = (() => {
    switch (distribution.kind) {
      case "fixed":
        return distribution.ms;
      case "uniform":
        return distribution.minMs + random.next() * (distribution.maxMs - distribution.minMs);
      case "exponential":
        return -Math.log(1 - random.next()) * distribution.meanMs;
      case "bimodal":
        return random.next() < (distribution.slowProbability ?? 0.001) ? distribution.slowMs : distribution.fastMs;
    }
  })();
  return Math.round(Math.max(0, ms) * 1000) / 1000;
}
