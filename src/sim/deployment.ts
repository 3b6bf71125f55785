import type { Clock } from "../core/clock.js";
import type { PlantedDefects } from "../core/pagamentos/pagamentos-service.js";
import type { Random } from "../core/random.js";
import type { CheckoutStores } from "../core/system/stores.js";
import type { PedidosDefinition } from "../gen/ecommerce/v1/pedidos.js";
import type { ClientOf } from "../transports/index.js";
import type { Scheduler } from "./scheduler.js";
import type { Trace } from "./trace.js";

/** What every deployment is given. */
export interface DeploymentContext {
  readonly stores: CheckoutStores;
  readonly scheduler: Scheduler;
  /** The run's random root. */
  readonly random: Random;
  readonly trace: Trace;
  readonly approvalRate?: number;
  /** Test-only bugs to plant (see PlantedDefects). */
  readonly defects?: PlantedDefects;
  /** Counts a retried call. */
  readonly onRetry: (path: string) => void;
  /** Observes each finished call between services (sim only). */
  readonly onCall: (path: string, ms: number, ok: boolean) => void;
}

/** The six services hosted on some transport, as a run drives them. */
export interface Deployment {
  /** How the workload reaches Pedidos. */
  readonly pedidos: ClientOf<typeof PedidosDefinition>;
  /** The workload's clock. */
  readonly clock: Clock;
  /**
   * Runs until the workload has settled and `isDone` says the run is over, or
   * virtual time reaches `untilMs` (events due later stay queued).
   */
  run(workload: Promise<void>, isDone: () => boolean, untilMs: number): Promise<void>;
}
