import type { InvariantResult } from "../invariants.js";
import type { TraceEvent } from "../trace.js";

/** How fast calls stopped going to one crashed replica, measured from the trace. */
export interface DeadReplicaStop {
  readonly node: string;
  /** Run-clock ms (from the start) when it crashed. */
  readonly crashedAtMs: number;
  /** When the registry marked it down, if it did before it came back. */
  readonly markedDownAtMs: number | undefined;
  /** The last call sent to it while it was down (undefined: none was). */
  readonly lastCallAtMs: number | undefined;
  /** lastCall - crash (0 when no call was sent to it while down). */
  readonly stoppedAfterMs: number;
  /** missed beats x beat interval + one call attempt's deadline. */
  readonly boundMs: number;
}

/** Options of {@link createRoutingStats}. */
export interface RoutingStatsOptions {
  /** Nodes that are replicas of a replicated service. */
  readonly replicaNodes: readonly string[];
  /** The bound a dead replica's traffic must stop within. */
  readonly boundMs: number;
  /** The run's start on the trace's clock (times in the report count from it); read at each use. */
  readonly startMs: number | (() => number);
}

/** Counts calls per replica and measures, per replica crash, when calls stopped going to it. */
export interface RoutingStats {
  /** Feed every trace event, in order. */
  observe(event: TraceEvent): void;
  /** Calls sent to each replica node (retries and failovers included), in node order. */
  replicaCalls(): Record<string, number>;
  deadReplicaStops(): DeadReplicaStop[];
  /** `dead-replica`: each crashed replica stopped getting calls within the bound (undefined when no replica crashed). */
  invariant(): InvariantResult | undefined;
}

/** Routing statistics of a run with replicas, from its trace events. */
export function createRoutingStats(options: RoutingStatsOptions): RoutingStats {
  const calls = new Map(options.replicaNodes.map((node) => [node, 0]));
  const down = new Map<string, { crashedAt: number; markedDownAt?: number; lastCallAt?: number }>();
  const stops: DeadReplicaStop[] = [];
  const start = typeof options.startMs === "number" ? () => options.startMs as number : options.startMs;
  const rel = (t: number) => Math.round((t - start()) * 1000) / 1000;
  const close = (node: string) => {
    const open = down.get(node);
    if (!open) return;
    down.delete(node);
    stops.push({
      node,
      crashedAtMs: rel(open.crashedAt),
      markedDownAtMs: open.markedDownAt === undefined ? undefined : rel(open.markedDownAt),
      lastCallAtMs: open.lastCallAt === undefined ? undefined : rel(open.lastCallAt),
      stoppedAfterMs: open.lastCallAt === undefined ? 0 : Math.round((open.lastCallAt - open.crashedAt) * 1000) / 1000,
      boundMs: options.boundMs,
    });
  };
  return {
    observe(event) {
      const t = event.t ?? 0;
      if (event.ev === "call" && typeof event.to === "string" && calls.has(event.to)) {
        calls.set(event.to, calls.get(event.to)! + 1);
        const open = down.get(event.to);
        if (open) open.lastCallAt = t;
      } else if (event.ev === "fault" && event.kind === "crash" && calls.has(event.target as string)) {
        down.set(event.target as string, { crashedAt: t });
      } else if (event.ev === "heal" && event.fault === "crash") {
        close(event.target as string);
      } else if (event.ev === "registry" && event.state === "down") {
        const open = down.get(event.id as string);
        if (open && open.markedDownAt === undefined) open.markedDownAt = t;
      }
    },
    replicaCalls: () => Object.fromEntries(calls),
    deadReplicaStops() {
      for (const node of [...down.keys()]) close(node);
      return stops;
    },
    invariant() {
      const all = this.deadReplicaStops();
      if (all.length === 0) return undefined;
      const late = all.filter((stop) => stop.stoppedAfterMs > stop.boundMs);
      const worst = Math.max(...all.map((stop) => stop.stoppedAfterMs));
      return late.length === 0
        ? { name: "dead-replica", ok: true, detail: `calls stopped going to ${all.length} crashed replica(s) within ${worst} ms (bound ${options.boundMs} ms)` }
        : { name: "dead-replica", ok: false, detail: late.map((s) => `${s.node} still got calls ${s.stoppedAfterMs} ms after its crash (bound ${s.boundMs} ms)`).join("; ") };
    },
  };
}
