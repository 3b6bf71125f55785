import type { Clock } from "../core/clock.js";
import { systemClock } from "../transports/system-clock.js";

/**
 * The system clock, except that a timer of 0 ms (or less) runs on the next
 * turn of the event loop (setImmediate) instead of setTimeout's 1 ms minimum.
 * deployNetwork's link-faults interceptor sleeps the link's latency before
 * every call, 0 ms on a healthy loopback link; on the system clock that
 * costs about 1 ms per call between services, which a load run would
 * otherwise charge to the transport.
 */
export const loadClock: Clock = {
  now: () => systemClock.now(),
  setTimer(ms, fn) {
    if (ms > 0) return systemClock.setTimer(ms, fn);
    const immediate = setImmediate(fn);
    return () => clearImmediate(immediate);
  },
};
