import type { Clock } from "../clock.js";
import type { PedidosService } from "./pedidos-service.js";

/** Options of {@link RecoveryLoop}. */
export interface RecoveryOptions {
  readonly pedidos: PedidosService;
  readonly clock: Clock;
  /** Time between passes. Default: 1000 ms. */
  readonly intervalMs?: number;
  /** An order older than this is cancelled with full compensation instead of re-driven. Default: 30000 ms. */
  readonly maxAgeMs?: number;
  /** Deadline of each re-drive or cancellation. Default: 5000 ms. */
  readonly timeoutMs?: number;
  /** Orders handled at once in a pass. Default: 32. */
  readonly concurrency?: number;
}

/**
 * Re-drives every order that is not terminal (after a restart, or when a call
 * of the chain failed), and cancels with full compensation the ones that have
 * waited too long. It runs a pass at start and then every interval; a pass
 * that is still running delays the next.
 */
export class RecoveryLoop {
  readonly #options: RecoveryOptions;
  #stopTimer: (() => void) | undefined;
  #stopped = false;
  /** Passes completed. */
  passes = 0;

  constructor(options: RecoveryOptions) {
    this.#options = options;
  }

  /** Starts the loop with a pass right away. */
  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops the loop; a pass in flight finishes its calls but schedules no other. */
  stop(): void {
    this.#stopped = true;
    this.#stopTimer?.();
  }

  /** One pass over the non-terminal orders. */
  async pass(): Promise<void> {
    const { pedidos, clock } = this.#options;
    const maxAge = this.#options.maxAgeMs ?? 30_000;
    const timeout = this.#options.timeoutMs ?? 5000;
    const queue = pedidos.nonTerminalOrders();
    const work = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        if (this.#stopped) return;
        const { createdAtMs, cancelRequested } = pedidos.orderAge(id);
        const options = { deadline: clock.now() + timeout };
        const age = clock.now() - createdAtMs;
        if (cancelRequested || age > maxAge) await pedidos.cancel(id, `expirado: pedido sem conclusão após ${Math.round(age)} ms`, options);
        else await pedidos.drive(id, options);
      }
    };
    // No more workers than orders: most passes find none, and each worker is an async call.
    const workers = Math.min(this.#options.concurrency ?? 32, queue.length);
    await Promise.all(Array.from({ length: workers }, work));
    this.passes++;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#stopTimer = this.#options.clock.setTimer(delay, () => {
      // drive() and cancel() record RPC failures themselves; anything else must not stop the loop.
      void this.pass()
        .catch(() => {})
        .finally(() => this.#schedule(this.#options.intervalMs ?? 1000));
    });
  }
}
