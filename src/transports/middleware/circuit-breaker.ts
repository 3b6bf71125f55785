import type { Clock } from "../../core/clock.js";
import type { Interceptor } from "../call.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";
import { observeCall, type StreamEnd } from "./stream-end.js";

/** closed: calls pass; open: calls fail fast; half-open: a few trial calls pass. */
export type BreakerState = "closed" | "open" | "half-open";

/** One transition of a breaker, for reports. */
export interface BreakerEvent {
  readonly name: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** Clock ms of the transition (open -> half-open is dated `openMs` after opening). */
  readonly at: number;
  readonly reason: "failures" | "timeout" | "trial-succeeded" | "trial-failed" | "reset";
}

/** Leave to make one call; settle it exactly once (later settlements are ignored). */
export interface BreakerPermit {
  /** The call got an answer. */
  success(): void;
  /** The call failed: counts as a failure if its code is one the breaker watches, else as a success (the instance answered). */
  failure(error: unknown): void;
  /** The call ended without telling anything about the instance (e.g. the caller cancelled). */
  release(): void;
}

/** A circuit breaker guarding one instance (or one dependency). */
export interface CircuitBreaker {
  readonly name: string;
  /** The state now (an open breaker whose `openMs` passed reads half-open). */
  readonly state: BreakerState;
  /** Consecutive watched failures while closed. */
  readonly failures: number;
  /** Whether a call would be let through now; takes nothing. */
  canPass(): boolean;
  /** Leave for one call, or undefined when the breaker is open or half-open with every trial taken. */
  tryAcquire(): BreakerPermit | undefined;
  /** Listens to transitions; returns a function that stops listening. */
  onChange(listener: (event: BreakerEvent) => void): () => void;
  /** Closes the breaker and forgets its failures. */
  reset(): void;
}

/** Options of {@link createCircuitBreaker}. */
export interface BreakerOptions {
  readonly clock: Clock;
  /** Named in events and in the fast-fail error. Default: "breaker". */
  readonly name?: string;
  /** Consecutive watched failures that open a closed breaker. Default: 5. */
  readonly failureThreshold?: number;
  /** How long an open breaker fails fast before letting trials through. Default: 5000. */
  readonly openMs?: number;
  /** Trial calls let through at once while half-open. Default: 1. */
  readonly halfOpenMax?: number;
  /** Codes that count as the instance failing. Default: UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN. */
  readonly failOn?: readonly Code[];
}

/** The codes a breaker counts by default. */
export const DEFAULT_BREAKER_CODES: readonly Code[] = [Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED, Code.INTERNAL, Code.UNKNOWN];

/**
 * A breaker on consecutive failures (not a failure rate over a window: a count
 * needs no window to tune, reacts the same at any call rate, and replays
 * exactly). closed -> open after `failureThreshold` watched failures in a row;
 * open -> half-open `openMs` later (on a clock timer, and on any read);
 * half-open lets `halfOpenMax` trials through: the first trial that succeeds
 * closes it, any that fails reopens it. Outcomes of calls let through in an
 * earlier state are ignored, so a late failure from before the opening never
 * re-opens a breaker that has since closed.
 */
export function createCircuitBreaker(options: BreakerOptions): CircuitBreaker {
  const { clock } = options;
  const name = options.name ?? "breaker";
  const threshold = options.failureThreshold ?? 5;
  const openMs = options.openMs ?? 5000;
  const halfOpenMax = options.halfOpenMax ?? 1;
  const failOn = new Set(options.failOn ?? DEFAULT_BREAKER_CODES);
  const listeners = new Set<(event: BreakerEvent) => void>();
  let state: BreakerState = "closed";
  let failures = 0;
  let openedAt = 0;
  let trials = 0;
  /** Bumped on every transition; a permit settles only within its own epoch. */
  let epoch = 0;
  let cancelTimer = () => {};

  const transition = (to: BreakerState, reason: BreakerEvent["reason"], at = clock.now()) => {
    const from = state;
    if (from === to) return;
    state = to;
    epoch++;
    failures = 0;
    trials = 0;
    cancelTimer();
    cancelTimer = () => {};
    if (to === "open") {
      openedAt = at;
      cancelTimer = clock.setTimer(openMs, refresh);
    }
    const event: BreakerEvent = { name, from, to, at, reason };
    for (const listener of [...listeners]) listener(event);
  };
  function refresh() {
    if (state === "open" && clock.now() >= openedAt + openMs) transition("half-open", "timeout", openedAt + openMs);
  }
  const canPass = () => {
    refresh();
    return state === "closed" || (state === "half-open" && trials < halfOpenMax);
  };
  const watched = (error: unknown) => failOn.has(RpcError.from(error).code);

  return {
    name,
    get state() {
      refresh();
      return state;
    },
    get failures() {
      return failures;
    },
    canPass,
    tryAcquire() {
      if (!canPass()) return undefined;
      const mine = epoch;
      const trial = state === "half-open";
      if (trial) trials++;
      let settled = false;
      const settle = (failed: boolean | undefined) => {
        if (settled) return;
        settled = true;
        if (mine !== epoch) return;
        if (trial) trials--;
        if (failed === undefined) return;
        if (state === "half-open") transition(failed ? "open" : "closed", failed ? "trial-failed" : "trial-succeeded");
        else if (!failed) failures = 0;
        else if (++failures >= threshold) transition("open", "failures");
      };
      return {
        success: () => settle(false),
        failure: (error) => settle(watched(error)),
        release: () => settle(undefined),
      };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset: () => transition("closed", "reset"),
  };
}

/** Per-instance breakers, made on first use with the same options. */
export interface BreakerSet {
  /** The breaker of `id`, created closed on first use. */
  get(id: string): CircuitBreaker;
  /** Every breaker made so far, by id, in id order. */
  states(): ReadonlyArray<{ readonly id: string; readonly state: BreakerState }>;
  /** Listens to the transitions of every breaker, present and future. */
  onChange(listener: (event: BreakerEvent) => void): () => void;
}

/** Options of {@link createBreakerSet}: those of {@link createCircuitBreaker}, the name being the instance id. */
export type BreakerSetOptions = Omit<BreakerOptions, "name">;

/** One breaker per instance id, for the balancer. */
export function createBreakerSet(options: BreakerSetOptions): BreakerSet {
  const breakers = new Map<string, CircuitBreaker>();
  const listeners = new Set<(event: BreakerEvent) => void>();
  return {
    get(id) {
      let breaker = breakers.get(id);
      if (!breaker) {
        breaker = createCircuitBreaker({ ...options, name: id });
        breaker.onChange((event) => {
          for (const listener of [...listeners]) listener(event);
        });
        breakers.set(id, breaker);
      }
      return breaker;
    },
    states: () =>
      [...breakers.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([id, breaker]) => ({ id, state: breaker.state })),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The error of a call the breaker refused. */
export function circuitOpenError(breaker: CircuitBreaker): RpcError {
  return new RpcError(Code.UNAVAILABLE, `circuit open: ${breaker.name}`);
}

/** Settles `permit` with how a call ended (see {@link observeCall}). */
export function settlePermit(permit: BreakerPermit, end: StreamEnd): void {
  if (end.kind === "done") permit.success();
  else if (end.kind === "error") permit.failure(end.error);
  else permit.release();
}

/**
 * Guards every call with `breaker`: refused with UNAVAILABLE ("circuit open")
 * while it is open, outcomes counted otherwise (a stream at its end).
 */
export function circuitBreaker(breaker: CircuitBreaker): Interceptor {
  return (next) => (request) => {
    const permit = breaker.tryAcquire();
    if (!permit) return Promise.reject(circuitOpenError(breaker));
    return observeCall(() => next(request), request.signal, (end) => settlePermit(permit, end));
  };
}
