import type { Random } from "../core/random.js";
import { SERVICE_NAMES, type ServiceName } from "../core/vocabulary.js";
import { leastOutstanding, powerOfTwoChoices, roundRobin, type BalanceStrategy } from "../transports/middleware/balancer.js";

/** How many replicas each service runs (absent: one). Replicas of a service share its database. */
export type ReplicaLayout = Readonly<Partial<Record<ServiceName, number>>>;

/** The most replicas one service may run. */
export const MAX_REPLICAS = 16;

/** The load-balancing strategies a run can choose, by name. */
export const BALANCER_NAMES = ["round-robin", "least-outstanding", "p2c"] as const;
/** One of {@link BALANCER_NAMES}. */
export type BalancerName = (typeof BALANCER_NAMES)[number];

/** The strategy of each replicated service: a default, and overrides per service. */
export interface BalancerChoice {
  /** Default: round-robin. */
  readonly default?: BalancerName;
  readonly perService?: Readonly<Partial<Record<ServiceName, BalancerName>>>;
}

/** Input a layout or a balancer choice cannot be made of; the message names what is wrong. */
export class ReplicaInputError extends Error {
  override readonly name = "ReplicaInputError";
}

const isService = (name: string): name is ServiceName => (SERVICE_NAMES as readonly string[]).includes(name);
const isBalancer = (name: string): name is BalancerName => (BALANCER_NAMES as readonly string[]).includes(name);

/** Parses `pagamentos=3,estoque=2` (each service at most once, counts 1..16). */
export function parseReplicaLayout(text: string): ReplicaLayout {
  const layout: Partial<Record<ServiceName, number>> = {};
  for (const part of text.split(",")) {
    const match = /^\s*([a-z]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (!match) throw new ReplicaInputError(`expected SERVICE=COUNT[,SERVICE=COUNT...], got ${JSON.stringify(part)}`);
    const [, service, raw] = match as unknown as [string, string, string];
    if (!isService(service)) throw new ReplicaInputError(`unknown service ${JSON.stringify(service)} (known: ${SERVICE_NAMES.join(", ")})`);
    const count = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_REPLICAS) {
      throw new ReplicaInputError(`replicas of ${service} must be an integer in 1..${MAX_REPLICAS}, got ${JSON.stringify(raw)}`);
    }
    if (layout[service] !== undefined) throw new ReplicaInputError(`${service} is given twice`);
    layout[service] = count;
  }
  return layout;
}

/** Parses `p2c` (every service) or `pagamentos=p2c,estoque=least-outstanding`, or both mixed: `round-robin,pagamentos=p2c`. */
export function parseBalancerChoice(text: string): BalancerChoice {
  let fallback: BalancerName | undefined;
  const perService: Partial<Record<ServiceName, BalancerName>> = {};
  for (const part of text.split(",").map((p) => p.trim())) {
    const [left, right] = part.includes("=") ? part.split("=", 2).map((s) => s.trim()) : [undefined, part];
    if (!isBalancer(right ?? "")) throw new ReplicaInputError(`unknown balancer ${JSON.stringify(right)} (known: ${BALANCER_NAMES.join(", ")})`);
    if (left === undefined) {
      if (fallback !== undefined) throw new ReplicaInputError("the default balancer is given twice");
      fallback = right as BalancerName;
    } else {
      if (!isService(left)) throw new ReplicaInputError(`unknown service ${JSON.stringify(left)} (known: ${SERVICE_NAMES.join(", ")})`);
      if (perService[left] !== undefined) throw new ReplicaInputError(`the balancer of ${left} is given twice`);
      perService[left] = right as BalancerName;
    }
  }
  return { ...(fallback ? { default: fallback } : {}), perService };
}

/** Replicas of `service` in `layout` (1 when absent). */
export function replicaCount(layout: ReplicaLayout | undefined, service: ServiceName): number {
  return layout?.[service] ?? 1;
}

/**
 * The node names of a service's replicas: the first keeps the service's own
 * name (so a plan that names `pagamentos` still means a node, the first
 * replica), the others are `pagamentos-2`, `pagamentos-3`, ...
 */
export function replicaNodeNames(service: ServiceName, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? service : `${service}-${i + 1}`));
}

/** Every service node of the layout, replicas included, in service order. */
export function serviceNodeNames(layout: ReplicaLayout | undefined): string[] {
  return SERVICE_NAMES.flatMap((service) => replicaNodeNames(service, replicaCount(layout, service)));
}

/** The services the layout runs with more than one replica. */
export function replicatedServices(layout: ReplicaLayout | undefined): ServiceName[] {
  return SERVICE_NAMES.filter((service) => replicaCount(layout, service) > 1);
}

/** The layout with every service named, for reports: `{pedidos: 1, pagamentos: 3, ...}`. */
export function fullLayout(layout: ReplicaLayout | undefined): Record<ServiceName, number> {
  return Object.fromEntries(SERVICE_NAMES.map((service) => [service, replicaCount(layout, service)])) as Record<ServiceName, number>;
}

/** The balancer a service uses under `choice`. */
export function balancerOf(choice: BalancerChoice | undefined, service: ServiceName): BalancerName {
  return choice?.perService?.[service] ?? choice?.default ?? "round-robin";
}

/** A fresh strategy of that name (p2c draws from `random`). */
export function makeStrategy(name: BalancerName, random: Random): BalanceStrategy {
  switch (name) {
    case "round-robin":
      return roundRobin();
    case "least-outstanding":
      return leastOutstanding();
    case "p2c":
      return powerOfTwoChoices(random);
  }
}
