/**
 * In-memory wake-ups for order status streams. Volatile on purpose: a crash
 * loses the watchers along with the streams that own them.
 */
export class StatusWatchers {
  readonly #waiting = new Map<number, Set<() => void>>();

  /** Resolves at the next {@link notify} for the order; rejects with the signal's reason on abort. */
  wait(pedidoId: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const set = this.#waiting.get(pedidoId) ?? new Set();
      this.#waiting.set(pedidoId, set);
      const wake = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        set.delete(wake);
        if (set.size === 0) this.#waiting.delete(pedidoId);
        reject(signal.reason);
      };
      set.add(wake);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Wakes every stream waiting on the order. */
  notify(pedidoId: number): void {
    const set = this.#waiting.get(pedidoId);
    if (!set) return;
    this.#waiting.delete(pedidoId);
    for (const wake of set) wake();
  }
}
