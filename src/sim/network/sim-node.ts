import type { Clock } from "../../core/clock.js";
import type { Router } from "../../transports/router.js";
import type { FaultableNode } from "../faults/surface.js";
import type { Scheduler } from "../scheduler.js";

/** What runs on a node: the router of its current instance, and a hook to stop its background work. */
export interface NodeInstance {
  readonly router: Router;
  /** Called when the instance dies (crash); optional. */
  readonly stop?: () => void;
}

/**
 * One simulated process. A crash loses everything in memory (the instance,
 * its timers, its calls in flight: callbacks of an old epoch are ignored);
 * what it committed to its database survives, since the factory reopens the
 * same store. A pause holds everything that arrives until it resumes.
 */
export class SimNode implements FaultableNode {
  readonly name: string;
  /** Bumped at every crash; callbacks from an older epoch are dead. */
  epoch = 0;
  up = true;
  paused = false;
  /** Added to every reading of this node's clock (clock skew). */
  offsetMs = 0;
  /** Extra processing time for every request this node handles (a slow service). */
  slowMs = 0;
  /** Requests handled, by this node's instances, since the run began. */
  handled = 0;
  readonly clock: Clock;
  #instance: NodeInstance;
  #held: (() => void)[] = [];
  readonly #build: (node: SimNode) => NodeInstance;

  constructor(name: string, scheduler: Scheduler, build: (node: SimNode) => NodeInstance) {
    this.name = name;
    this.#build = build;
    this.clock = {
      // Whole ms, as a real clock reads: virtual time itself may be fractional (µs latencies).
      now: () => Math.floor(scheduler.now() + this.offsetMs),
      setTimer: (ms, fn) => {
        const epoch = this.epoch;
        return scheduler.setTimer(ms, () => {
          if (this.epoch === epoch && this.up) this.arrive(fn);
        });
      },
    };
    this.#instance = build(this);
  }

  /** The router of the running instance. */
  get router(): Router {
    return this.#instance.router;
  }

  /** Runs `fn` now, or when the node resumes if it is paused. */
  arrive(fn: () => void): void {
    if (this.paused) this.#held.push(fn);
    else fn();
  }

  /** Kills the process: memory, timers and calls in flight are lost. */
  crash(): void {
    if (!this.up) return;
    this.up = false;
    this.epoch++;
    this.#held = [];
    this.#instance.stop?.();
  }

  /** Starts a fresh instance over the same database. */
  restart(): void {
    if (this.up) return;
    this.up = true;
    this.paused = false;
    this.#instance = this.#build(this);
  }

  /** Stops processing; arrivals wait. */
  pause(): void {
    this.paused = true;
  }

  /** Processes what arrived while paused, in arrival order. */
  resume(): void {
    this.paused = false;
    const held = this.#held;
    this.#held = [];
    for (const fn of held) fn();
  }
}
