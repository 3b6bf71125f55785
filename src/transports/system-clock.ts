import type { Clock } from "../core/clock.js";

/** The real clock, for the edges: real transports and the CLI. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
