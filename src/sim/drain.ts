import type { Drain } from "./scheduler.js";

/**
 * Every this many drains, one goes through the event loop (setImmediate)
 * instead of the tick queue, so a long run still lets timers, I/O and signals
 * (Ctrl-C, a test's timeout, a progress bar's writes) through.
 */
const EVENT_LOOP_EVERY = 256;
let drains = 0;

/**
 * Resolves once every promise job queued so far, and every job those queue,
 * has run. Not a timer: it does not depend on wall time.
 *
 * Node runs the tick queue only once V8's microtask queue is empty, and
 * setImmediate callbacks only once both are: either way nothing the event
 * started is left when this resolves. A tick costs a fraction of a turn of the
 * event loop (about 1.4 µs, and an I/O poll, per simulated event), so most
 * drains use one; the run's outcome is the same with either, since a run
 * does no I/O of its own.
 */
export const drainMicrotasks: Drain = () =>
  new Promise<void>((resolve) => {
    if (++drains % EVENT_LOOP_EVERY === 0) setImmediate(resolve);
    else process.nextTick(resolve);
  });
