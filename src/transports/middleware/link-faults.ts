import { sleep, type Clock } from "../../core/clock.js";
import type { Random } from "../../core/random.js";
import type { Interceptor } from "../call.js";
import { Code } from "../codes.js";
import { deadlineExceeded } from "../call-scope.js";
import { RpcError } from "../rpc-error.js";
import { sampleLatency, type LatencyDistribution } from "./latency.js";

/** The fault state of one direction between two nodes. */
export interface LinkFaults {
  latency: LatencyDistribution;
  /** Probability that a request is lost. */
  drop: number;
  /** Probability that a reply is lost after the callee applied the request. */
  replyDrop: number;
  /** Probability that a request is delivered twice. */
  duplicate: number;
  /** Partitioned: every message on it is lost. */
  clogged: boolean;
}

/** The callee as the fault interceptor sees it: paused or slowed by a plan. */
export interface FaultTarget {
  readonly paused: boolean;
  readonly slowMs: number;
  /** Resolves when the target is no longer paused. */
  resumed(): Promise<void>;
}

/** Options of {@link linkFaults}. */
export interface LinkFaultOptions {
  readonly clock: Clock;
  /** Draws the link's latency and losses. */
  readonly random: Random;
  /** The link's current fault state (read at every call). */
  readonly link: () => LinkFaults;
  /** The callee, if a plan can pause or slow it. */
  readonly target?: () => FaultTarget;
}

/**
 * Injects a link's faults into calls over a real transport, as honestly as a
 * client can: latency is a delay before sending; a lost request or a
 * partition is a call that never answers (it fails at its deadline); a lost
 * reply is a call the server applied whose answer the caller never sees; a
 * duplicate is the same request sent twice. A paused callee holds the call; a
 * slow one delays it.
 */
export function linkFaults(options: LinkFaultOptions): Interceptor {
  const { clock, random } = options;
  const lost = async (deadline: number | undefined, signal: AbortSignal): Promise<never> => {
    if (deadline === undefined) throw new RpcError(Code.UNAVAILABLE, "message lost on the link");
    await sleep(clock, Math.max(0, deadline - clock.now()), signal);
    throw deadlineExceeded();
  };
  return (next) => async (request) => {
    const link = options.link();
    const target = options.target?.();
    if (link.clogged || random.next() < link.drop) return lost(request.deadline, request.signal);
    // A healthy link adds nothing: a 0 ms timer would still cost a turn of the event loop (about 1 ms) per call.
    const latencyMs = sampleLatency(link.latency, random);
    if (latencyMs > 0) await sleep(clock, latencyMs, request.signal);
    if (target?.paused) await target.resumed();
    if (target && target.slowMs > 0) await sleep(clock, target.slowMs, request.signal);
    if (random.next() < link.duplicate) void next(request).catch(() => {});
    const response = await next(request);
    if (!response.stream && random.next() < link.replyDrop) return lost(request.deadline, request.signal);
    return response;
  };
}
