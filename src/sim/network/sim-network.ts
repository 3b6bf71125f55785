import type { Random } from "../../core/random.js";
import type { Scheduler } from "../scheduler.js";
import type { TraceEvent } from "../trace.js";
import type { LinkFaults } from "../../transports/middleware/link-faults.js";
import type { FaultSurface } from "../faults/surface.js";
import { DEFAULT_LATENCY, sampleLatency, type LatencyDistribution } from "../../transports/middleware/latency.js";
import { SimNode, type NodeInstance } from "./sim-node.js";

/** One direction between two nodes: its fault state and its own random stream. */
export interface Link extends LinkFaults {
  readonly random: Random;
}

/** What a message is, for the link's fault decisions and the trace. */
export interface SimMessage {
  readonly kind: "request" | "reply" | "cancel";
  readonly callId: number;
  readonly path: string;
}

/** Options of {@link SimNetwork}. */
export interface SimNetworkOptions {
  readonly scheduler: Scheduler;
  /** Forked per link, so one link's draws never shift another's. */
  readonly random: Random;
  readonly record: (event: TraceEvent) => void;
  /** Default latency of every link. Default: {@link DEFAULT_LATENCY}. */
  readonly latency?: LatencyDistribution;
}

/** Nodes and the links between them; every message is an event in the scheduler's queue. */
export class SimNetwork implements FaultSurface {
  readonly scheduler: Scheduler;
  readonly #options: SimNetworkOptions;
  readonly #nodes = new Map<string, SimNode>();
  /** Links by source, then destination: two lookups of interned names instead of building a key string per message. */
  readonly #links = new Map<string, Map<string, Link>>();
  #callIds = 0;

  constructor(options: SimNetworkOptions) {
    this.scheduler = options.scheduler;
    this.#options = options;
  }

  /** The network's clock: virtual time. */
  get clock(): Scheduler {
    return this.scheduler;
  }

  /** Adds a node whose instances `build` makes (at start and at every restart). */
  addNode(name: string, build: (node: SimNode) => NodeInstance): SimNode {
    if (this.#nodes.has(name)) throw new Error(`node ${name} exists`);
    const node = new SimNode(name, this.scheduler, build);
    this.#nodes.set(name, node);
    return node;
  }

  /** The node called `name`. */
  node(name: string): SimNode {
    const node = this.#nodes.get(name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  /** Every node, in the order they were added. */
  get nodes(): readonly SimNode[] {
    return [...this.#nodes.values()];
  }

  /** The link from one node to another (created with the defaults on first use). */
  link(from: string, to: string): Link {
    let fromLinks = this.#links.get(from);
    if (!fromLinks) this.#links.set(from, (fromLinks = new Map()));
    let link = fromLinks.get(to);
    if (!link) {
      link = {
        latency: this.#options.latency ?? DEFAULT_LATENCY,
        drop: 0,
        replyDrop: 0,
        duplicate: 0,
        clogged: false,
        random: this.#options.random.fork(`${from}->${to}`),
      };
      fromLinks.set(to, link);
    }
    return link;
  }

  /** A fresh id for a call, for the trace. */
  nextCallId(): number {
    return ++this.#callIds;
  }

  /** Appends to the run's trace, stamped with virtual time. */
  record(event: Omit<TraceEvent, "t">): void {
    this.#options.record({ t: this.scheduler.now(), ...event });
  }

  /**
   * Sends a message: after the link's latency `deliver` runs at the
   * destination (held there while it is paused), unless the link loses it.
   * A request may be delivered twice.
   */
  send(from: string, to: string, message: SimMessage, deliver: () => void): void {
    const link = this.link(from, to);
    const lose = link.clogged || link.random.next() < (message.kind === "reply" ? link.replyDrop : message.kind === "request" ? link.drop : 0);
    if (lose) {
      this.record({ ev: "lost", from, to, ...message, why: link.clogged ? "partition" : "drop" });
      return;
    }
    const copies = message.kind === "request" && link.random.next() < link.duplicate ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const delay = sampleLatency(link.latency, link.random);
      this.scheduler.setTimer(delay, () => {
        const node = this.node(to);
        // Stamped here rather than through record(): one object per delivery instead of two.
        this.#options.record({ t: this.scheduler.now(), ev: "deliver", from, to, ...message, ...(copy > 0 ? { duplicate: true } : {}) });
        node.arrive(deliver);
      });
    }
  }
}
