import type { Clock } from "../../core/clock.js";
import type { Transport } from "../call.js";

/** Whether an instance is taking calls: `up` while its heartbeats are recent. */
export type InstanceState = "up" | "down";

/** One registered instance as the registry sees it at the moment of the query. */
export interface ServiceInstance {
  readonly service: string;
  readonly id: string;
  /** Where it lives, for reports (e.g. `10.0.0.7:50051`); the registry never dials it. */
  readonly address: string | undefined;
  /** How to reach it. */
  readonly transport: Transport;
  readonly state: InstanceState;
  /** Clock ms of the last heartbeat (registering counts as one). */
  readonly lastBeatAt: number;
  readonly registeredAt: number;
}

/** Why an instance's state changed. */
export type ChangeReason = "registered" | "beat" | "expired" | "deregistered";

/** A state flip, as {@link ServiceRegistry.onChange} reports it. */
export interface RegistryEvent {
  readonly service: string;
  readonly id: string;
  readonly state: InstanceState;
  /** Clock ms when the registry observed the flip (a missed beat is seen at the next check). */
  readonly at: number;
  readonly reason: ChangeReason;
}

/** What {@link ServiceRegistry.register} needs to know of an instance. */
export interface Registration {
  readonly id: string;
  readonly address?: string | undefined;
  readonly transport: Transport;
}

/** The instance's side of a registration. */
export interface RegistrationHandle {
  readonly service: string;
  readonly id: string;
  /** Records a heartbeat now; an instance that was down is up again. No-op once deregistered or replaced. */
  beat(): void;
  /** Removes the instance (reported as `down`, reason `deregistered`). Idempotent. */
  deregister(): void;
}

/** Discovery: instances register and beat; callers resolve a service name to the instances that are up. */
export interface ServiceRegistry {
  /** Adds (or replaces, by id) an instance of `service`, up from now. */
  register(service: string, registration: Registration): RegistrationHandle;
  /** The instances of `service` that are up now, ordered by id. */
  resolve(service: string): readonly ServiceInstance[];
  /** Every registered instance of `service`, up or down, ordered by id. */
  instances(service: string): readonly ServiceInstance[];
  /** The services with at least one registered instance, sorted. */
  services(): readonly string[];
  /** Listens to state flips; returns a function that stops listening. */
  onChange(listener: (event: RegistryEvent) => void): () => void;
  /** Re-evaluates every instance against the clock now (the timer and every query do this too). */
  check(): void;
  /** Stops the periodic check. Queries still evaluate against the clock. */
  close(): void;
}

/** Options of {@link createServiceRegistry}. */
export interface RegistryOptions {
  readonly clock: Clock;
  /** An instance silent for longer than this is down. Default: 3000. */
  readonly ttlMs?: number;
  /** Beats an instance may miss before it is down. Default: 3. */
  readonly missedBeats?: number;
  /** The beat period instances are expected to keep, and the period of the registry's own check. Default: 1000. */
  readonly heartbeatIntervalMs?: number;
}

interface Entry {
  readonly service: string;
  readonly id: string;
  readonly address: string | undefined;
  readonly transport: Transport;
  readonly registeredAt: number;
  /** Tells a live handle from one whose registration was replaced or removed. */
  readonly token: object;
  state: InstanceState;
  lastBeatAt: number;
}

/**
 * An in-memory service registry with heartbeat liveness (Consul's TTL check,
 * in miniature). An instance is up while `now - lastBeat <= min(ttlMs,
 * missedBeats * heartbeatIntervalMs)`, down after. States are evaluated on
 * every query and beat, and on a clock timer every heartbeat interval (so
 * `onChange` hears of a silent instance without anyone asking); the timer
 * runs only while something is registered.
 */
export function createServiceRegistry(options: RegistryOptions): ServiceRegistry {
  const { clock } = options;
  const interval = options.heartbeatIntervalMs ?? 1000;
  const livenessMs = Math.min(options.ttlMs ?? 3000, (options.missedBeats ?? 3) * interval);
  const byService = new Map<string, Map<string, Entry>>();
  const listeners = new Set<(event: RegistryEvent) => void>();
  let cancelTimer: (() => void) | undefined;
  let closed = false;

  const emit = (entry: Entry, state: InstanceState, reason: ChangeReason) => {
    const event: RegistryEvent = { service: entry.service, id: entry.id, state, at: clock.now(), reason };
    for (const listener of [...listeners]) listener(event);
  };
  const flip = (entry: Entry, state: InstanceState, reason: ChangeReason) => {
    if (entry.state === state) return;
    entry.state = state; // before emitting, so a listener that queries sees the new state
    emit(entry, state, reason);
  };
  const evaluate = (entry: Entry) => {
    if (entry.state === "up" && clock.now() - entry.lastBeatAt > livenessMs) flip(entry, "down", "expired");
  };
  const sorted = (service: string): Entry[] => {
    const entries = [...(byService.get(service)?.values() ?? [])].sort((a, b) => compare(a.id, b.id));
    entries.forEach(evaluate);
    return entries;
  };
  const check = () => {
    for (const service of [...byService.keys()].sort(compare)) sorted(service);
  };
  const size = () => [...byService.values()].reduce((n, entries) => n + entries.size, 0);
  const tick = () => {
    cancelTimer = undefined;
    check();
    schedule();
  };
  const schedule = () => {
    if (!closed && cancelTimer === undefined && size() > 0) cancelTimer = clock.setTimer(interval, tick);
  };
  const unschedule = () => {
    if (size() > 0) return;
    cancelTimer?.();
    cancelTimer = undefined;
  };
  const snapshot = (entry: Entry): ServiceInstance => ({
    service: entry.service,
    id: entry.id,
    address: entry.address,
    transport: entry.transport,
    state: entry.state,
    lastBeatAt: entry.lastBeatAt,
    registeredAt: entry.registeredAt,
  });
  const current = (service: string, id: string, token: object): Entry | undefined => {
    const entry = byService.get(service)?.get(id);
    return entry?.token === token ? entry : undefined;
  };

  return {
    register(service, registration) {
      const entries = byService.get(service) ?? new Map<string, Entry>();
      byService.set(service, entries);
      const previous = entries.get(registration.id);
      const token = {};
      const now = clock.now();
      const entry: Entry = {
        service,
        id: registration.id,
        address: registration.address,
        transport: registration.transport,
        registeredAt: now,
        token,
        state: "up",
        lastBeatAt: now,
      };
      entries.set(registration.id, entry);
      if (previous?.state !== "up") emit(entry, "up", "registered");
      schedule();
      return {
        service,
        id: registration.id,
        beat() {
          const live = current(service, registration.id, token);
          if (!live) return;
          live.lastBeatAt = clock.now();
          flip(live, "up", "beat");
        },
        deregister() {
          const live = current(service, registration.id, token);
          if (!live) return;
          entries.delete(registration.id);
          if (entries.size === 0) byService.delete(service);
          unschedule();
          if (live.state === "up") emit(live, "down", "deregistered");
        },
      };
    },
    resolve: (service) => sorted(service).filter((entry) => entry.state === "up").map(snapshot),
    instances: (service) => sorted(service).map(snapshot),
    services: () => [...byService.keys()].sort(compare),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    check,
    close() {
      closed = true;
      cancelTimer?.();
      cancelTimer = undefined;
    },
  };
}

/** Code-unit order: the same on every machine, unlike `localeCompare`. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
