/** CPU time and peak memory of this process over a stretch of time. */
export interface ResourceUse {
  /** User + system CPU time, ms. */
  readonly cpuMs: number;
  /** cpuMs per wall ms, as a percentage of one core (200% = two cores busy). */
  readonly cpuPercent: number;
  /** Largest resident set size seen, MiB (sampled every 100 ms). */
  readonly maxRssMiB: number;
  /** Largest V8 heap in use seen, MiB. */
  readonly maxHeapMiB: number;
}

const MIB = 1024 * 1024;

/** Starts watching; `stop()` returns what was used since. */
export function watchResources(): { stop(): ResourceUse } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let maxRss = 0;
  let maxHeap = 0;
  const sample = () => {
    const memory = process.memoryUsage();
    maxRss = Math.max(maxRss, memory.rss);
    maxHeap = Math.max(maxHeap, memory.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 100);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      const wallMs = Math.max(1, performance.now() - started);
      return { cpuMs: Math.round(cpuMs), cpuPercent: Math.round((cpuMs / wallMs) * 1000) / 10, maxRssMiB: Math.round(maxRss / MIB), maxHeapMiB: Math.round(maxHeap / MIB) };
    },
  };
}
