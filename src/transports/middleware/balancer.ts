import type { Random } from "../../core/random.js";
import type { Transport } from "../call.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";
import { settlePermit, type BreakerSet } from "./circuit-breaker.js";
import type { ServiceInstance, ServiceRegistry } from "./registry.js";
import { observeCall } from "./stream-end.js";

/** An instance the balancer may pick, with the calls it has in flight from this balancer. */
export interface Candidate {
  readonly instance: ServiceInstance;
  readonly outstanding: number;
}

/** Picks one of the candidates (never empty, in id order). Stateful: give each balancer its own. */
export interface BalanceStrategy {
  readonly name: string;
  pick(candidates: readonly Candidate[]): Candidate;
}

/** Each call goes to the instance after the last one picked, in id order; an instance joining or leaving does not reshuffle the rest. */
export function roundRobin(): BalanceStrategy {
  let last: string | undefined;
  return {
    name: "round-robin",
    pick(candidates) {
      const chosen = after(candidates, last);
      last = chosen.instance.id;
      return chosen;
    },
  };
}

/** The instance with the fewest calls in flight; ties go round robin, so an idle fleet still shares the load. */
export function leastOutstanding(): BalanceStrategy {
  let last: string | undefined;
  return {
    name: "least-outstanding",
    pick(candidates) {
      const fewest = Math.min(...candidates.map((c) => c.outstanding));
      const chosen = after(
        candidates.filter((c) => c.outstanding === fewest),
        last,
      );
      last = chosen.instance.id;
      return chosen;
    },
  };
}

/** Power of two choices: two distinct candidates drawn from `random`, the one with fewer calls in flight wins (the first drawn on a tie). */
export function powerOfTwoChoices(random: Random): BalanceStrategy {
  return {
    name: "power-of-two-choices",
    pick(candidates) {
      if (candidates.length === 1) return candidates[0]!;
      const i = random.int(0, candidates.length - 1);
      let j = random.int(0, candidates.length - 2);
      if (j >= i) j++;
      const a = candidates[i]!;
      const b = candidates[j]!;
      return b.outstanding < a.outstanding ? b : a;
    },
  };
}

/** The first candidate whose id comes after `last`, wrapping around. */
function after(candidates: readonly Candidate[], last: string | undefined): Candidate {
  return (last === undefined ? undefined : candidates.find((c) => c.instance.id > last)) ?? candidates[0]!;
}

/** One pick, as {@link BalancedOptions.onPick} reports it. */
export interface PickEvent {
  readonly service: string;
  readonly id: string;
  readonly path: string;
  /** Calls in flight on the picked instance, this one included. */
  readonly outstanding: number;
  /** How many instances were up and let through by their breakers. */
  readonly candidates: number;
}

/** Options of {@link balanced}. */
export interface BalancedOptions {
  /** The service name instances registered under. */
  readonly service: string;
  readonly registry: ServiceRegistry;
  /** Default: {@link roundRobin}. */
  readonly strategy?: BalanceStrategy;
  /** Per-instance breakers: an instance whose breaker refuses calls is skipped, and every outcome is counted. Default: none. */
  readonly breakers?: BreakerSet;
  /** Told about every pick, e.g. to count calls per instance. */
  readonly onPick?: (pick: PickEvent) => void;
}

/** A transport over a service's instances; it also tells how many calls each has in flight. */
export interface BalancedTransport extends Transport {
  /** Calls in flight on instance `id` through this transport. */
  outstanding(id: string): number;
}

/**
 * A client-side load balancer (the seed's reverse proxy, in the caller): each
 * call resolves the service's up instances in the registry, drops those whose
 * breaker is open, picks one with the strategy and sends the call there,
 * synchronously after the pick, so no call goes to an instance the registry
 * had marked down. A call in flight counts as outstanding until it settles; a
 * stream until it ends, fails, is closed by its consumer or is cancelled. It
 * does not retry: put `retry` above it, and each attempt is balanced anew.
 */
export function balanced(options: BalancedOptions): BalancedTransport {
  const { service, registry, breakers, onPick } = options;
  const strategy = options.strategy ?? roundRobin();
  const inFlight = new Map<string, number>();
  const count = (id: string) => inFlight.get(id) ?? 0;
  const release = (id: string) => {
    const left = count(id) - 1;
    if (left > 0) inFlight.set(id, left);
    else inFlight.delete(id);
  };

  return {
    outstanding: count,
    call(request) {
      const up = registry.resolve(service);
      if (up.length === 0) return Promise.reject(new RpcError(Code.UNAVAILABLE, `no instance of ${service} is up`));
      const candidates = breakers ? up.filter((instance) => breakers.get(instance.id).canPass()) : up;
      if (candidates.length === 0) {
        const ids = up.map((instance) => instance.id).join(", ");
        return Promise.reject(new RpcError(Code.UNAVAILABLE, `no instance of ${service} is available: circuit open for ${ids}`));
      }
      const { instance } = strategy.pick(candidates.map((c) => ({ instance: c, outstanding: count(c.id) })));
      // canPass just said yes, and nothing ran since, so this cannot be refused.
      const permit = breakers?.get(instance.id).tryAcquire();
      inFlight.set(instance.id, count(instance.id) + 1);
      onPick?.({ service, id: instance.id, path: request.path, outstanding: count(instance.id), candidates: candidates.length });
      return observeCall(() => instance.transport.call(request), request.signal, (end) => {
        release(instance.id);
        if (permit) settlePermit(permit, end);
      });
    },
  };
}
