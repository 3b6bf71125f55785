import type { Drain } from "./scheduler.js";

/**
 * Resolves once every promise job queued so far, and every job those queue,
 * has run: Node runs setImmediate callbacks only after the microtask queue is
 * empty. Not a timer: it does not depend on wall time.
 */
export const drainMicrotasks: Drain = () => new Promise<void>((resolve) => setImmediate(resolve));
