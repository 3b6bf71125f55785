/**
 * Deadline conversions at the wire's edge. gRPC carries a deadline as a
 * timeout relative to the sender's wall clock; the RPC layer keeps absolute
 * deadlines in each side's own Clock ms. Only the remaining time crosses over.
 */
import type { Clock } from "../../core/clock.js";

/** A caller's deadline (ms on `clock`) as the wall-clock Date grpc-js wants. */
export function toWallDeadline(deadline: number, clock: Clock): Date {
  return new Date(Date.now() + (deadline - clock.now()));
}

/** The deadline grpc-js reports for a server call (wall ms, a Date, or Infinity) in ms on `clock`; undefined if none. */
export function fromWallDeadline(deadline: Date | number, clock: Clock): number | undefined {
  const wall = deadline instanceof Date ? deadline.getTime() : deadline;
  if (!Number.isFinite(wall)) return undefined;
  return clock.now() + (wall - Date.now());
}
