import type { Clock } from "../../core/clock.js";
import type { Interceptor } from "../call.js";
import { withDeadline } from "../call-request.js";

/** Options of {@link deadline}. */
export interface DeadlineOptions {
  readonly clock: Clock;
  /** Deadline given to a call that has none, in ms from now. Default: 5000. */
  readonly defaultTimeoutMs?: number;
}

/**
 * Gives every call a deadline: its own if it has one (a child call that was
 * passed its handler's context inherits what is left of the parent's), or
 * now + the default.
 */
export function deadline(options: DeadlineOptions): Interceptor {
  const timeout = options.defaultTimeoutMs ?? 5000;
  return (next) => (request) =>
    next(request.deadline !== undefined ? request : withDeadline(request, options.clock.now() + timeout));
}
