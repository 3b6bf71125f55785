import type { LatencyHistogram } from "./histogram.js";

/** The transports a load run can drive. */
export const LOAD_TRANSPORTS = ["grpc", "http", "inproc"] as const;
/** One of {@link LOAD_TRANSPORTS}. */
export type LoadTransport = (typeof LOAD_TRANSPORTS)[number];

/** The workloads: seed 003's checkout, seed 001's hello + 10-number stream. */
export const LOAD_WORKLOADS = ["checkout", "hello"] as const;
/** One of {@link LOAD_WORKLOADS}. */
export type LoadWorkload = (typeof LOAD_WORKLOADS)[number];

/** A deployed system that a load generator drives, one iteration (a virtual user's request) at a time. */
export interface LoadTarget {
  /** One iteration; rejects with the call's error. Resolves with an outcome label (e.g. the order's final status). */
  iteration(): Promise<string>;
  /** Latency histograms of the calls inside the system (per method path), reset by `resetSteps`. */
  readonly steps: ReadonlyMap<string, LatencyHistogram>;
  /** Forgets the step histograms (between ladder steps). */
  resetSteps(): void;
  close(): Promise<void>;
}
