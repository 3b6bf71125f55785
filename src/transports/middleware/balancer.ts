import type { Random } from "../../core/random.js";
import type { CallRequest, CallResponse, Transport } from "../call.js";
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
  /**
   * How this caller reaches an instance (e.g. a simulated link from the caller's
   * own node to `instance.address`). Called on every pick; cache if it is costly.
   * Default: `instance.transport`.
   */
  readonly connect?: (instance: ServiceInstance) => Transport;
  /** Send a call that failed on its instance to another one (the seed's fallback to a secondary). Default: none. */
  readonly failover?: FailoverOptions;
}

/** Options of the balancer's failover: which failures move a call to another instance, and how often. */
export interface FailoverOptions {
  /** Instances a call may try in all, the first included. Default: 2 (primary, then one secondary). */
  readonly maxTries?: number;
  /** Failures that move the call on. Default: UNAVAILABLE (the instance refused or could not be reached; nothing was applied). */
  readonly codes?: readonly Code[];
  /** Told about every call moved to another instance. */
  readonly onFailover?: (event: FailoverEvent) => void;
}

/** One call moved from a failed instance to another, as {@link FailoverOptions.onFailover} reports it. */
export interface FailoverEvent {
  readonly service: string;
  readonly path: string;
  /** The instance that failed. */
  readonly from: string;
  readonly error: RpcError;
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

  const connect = options.connect ?? ((instance: ServiceInstance) => instance.transport);
  const maxTries = options.failover ? (options.failover.maxTries ?? 2) : 1;
  const failoverOn = new Set(options.failover?.codes ?? [Code.UNAVAILABLE]);

  /** One try on one instance, skipping those already tried by this call. */
  const attempt = (request: CallRequest, tried: ReadonlySet<string>): Promise<CallResponse> => {
    const up = registry.resolve(service).filter((instance) => !tried.has(instance.id));
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
    const sent = observeCall(() => connect(instance).call(request), request.signal, (end) => {
      release(instance.id);
      if (permit) settlePermit(permit, end);
    });
    if (tried.size + 1 >= maxTries) return sent;
    return sent.catch((caught: unknown) => {
      const error = RpcError.from(caught);
      if (request.signal.aborted || !failoverOn.has(error.code)) throw caught;
      const next = new Set(tried).add(instance.id);
      // No other instance to go to: the caller hears the first failure.
      if (!registry.resolve(service).some((other) => !next.has(other.id))) throw caught;
      options.failover?.onFailover?.({ service, path: request.path, from: instance.id, error });
      return attempt(request, next);
    });
  };

  return {
    outstanding: count,
    call: (request) => attempt(request, new Set()),
  };
}
