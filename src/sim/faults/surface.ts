import type { Clock } from "../../core/clock.js";
import type { LinkFaults } from "../../transports/middleware/link-faults.js";
import type { TraceEvent } from "../trace.js";


/** A process a plan can crash, pause, slow down or skew. */
export interface FaultableNode {
  readonly name: string;
  /** Added to every reading of the node's clock. */
  offsetMs: number;
  /** Extra processing time per request. */
  slowMs: number;
  crash(): void;
  restart(): void;
  pause(): void;
  resume(): void;
}

/**
 * What a fault plan acts on: nodes and links, a clock to time the faults, and
 * the trace. The simulated network is one; a deployment over real transports
 * is another.
 */
export interface FaultSurface {
  readonly clock: Clock;
  readonly nodes: readonly FaultableNode[];
  node(name: string): FaultableNode;
  link(from: string, to: string): LinkFaults;
  record(event: Omit<TraceEvent, "t">): void;
}
