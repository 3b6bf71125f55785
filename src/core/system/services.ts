import { CatalogoDefinition } from "../../gen/ecommerce/v1/catalogo.js";
import { EstoqueDefinition } from "../../gen/ecommerce/v1/estoque.js";
import { FiscalDefinition } from "../../gen/ecommerce/v1/fiscal.js";
import { LogisticaDefinition } from "../../gen/ecommerce/v1/logistica.js";
import { PagamentosDefinition } from "../../gen/ecommerce/v1/pagamentos.js";
import { PedidosDefinition } from "../../gen/ecommerce/v1/pedidos.js";
import { createClient, type Interceptor, type Router, type Transport } from "../../transports/index.js";
import { CatalogoService } from "../catalogo/catalogo-service.js";
import type { Clock } from "../clock.js";
import { EstoqueService } from "../estoque/estoque-service.js";
import { FiscalService } from "../fiscal/fiscal-service.js";
import { LogisticaService } from "../logistica/logistica-service.js";
import { PagamentosService, type PlantedDefects } from "../pagamentos/pagamentos-service.js";
import { PedidosService } from "../pedidos/pedidos-service.js";
import type { Random } from "../random.js";
import type { ServiceName } from "../vocabulary.js";
import type { CheckoutStores } from "./stores.js";

/** The service definition of each checkout service. */
export const CHECKOUT_DEFINITIONS = {
  pedidos: PedidosDefinition,
  pagamentos: PagamentosDefinition,
  estoque: EstoqueDefinition,
  fiscal: FiscalDefinition,
  logistica: LogisticaDefinition,
  catalogo: CatalogoDefinition,
} as const;

/** The six service instances. */
export interface CheckoutServices {
  readonly pedidos: PedidosService;
  readonly pagamentos: PagamentosService;
  readonly estoque: EstoqueService;
  readonly fiscal: FiscalService;
  readonly logistica: LogisticaService;
  readonly catalogo: CatalogoService;
}

/** Options of {@link createService} and {@link createCheckoutServices}. */
export interface CheckoutServiceOptions {
  readonly stores: CheckoutStores;
  /** Each service's clock (the simulator can skew one). */
  readonly clock: (service: ServiceName) => Clock;
  /** The run's random root; each service forks its own stream by name. */
  readonly random: Random;
  /** The transport a service uses to reach another. */
  readonly connect: (from: ServiceName, to: ServiceName) => Transport;
  /** Client interceptors of every downstream call. Default: none. */
  readonly interceptors?: (from: ServiceName, to: ServiceName) => readonly Interceptor[];
  /** Share of payments approved. Default: 0.9. */
  readonly approvalRate?: number;
  /** Test-only: known bugs planted in Pagamentos. Default: none. */
  readonly defects?: PlantedDefects;
}

/** Builds one service over its store, with clients for the services it calls. */
export function createService<N extends ServiceName>(name: N, options: CheckoutServiceOptions): CheckoutServices[N] {
  const { stores } = options;
  const clock = options.clock(name);
  const client = <T extends ServiceName>(to: T) =>
    createClient(CHECKOUT_DEFINITIONS[to], options.connect(name, to), { interceptors: options.interceptors?.(name, to) ?? [] });
  const random = options.random.fork(name);
  const build: { [K in ServiceName]: () => CheckoutServices[K] } = {
    pedidos: () => new PedidosService({ store: stores.pedidos, clock, catalogo: client("catalogo"), pagamentos: client("pagamentos") }),
    pagamentos: () =>
      new PagamentosService({
        store: stores.pagamentos,
        clock,
        random,
        estoque: client("estoque"),
        ...(options.approvalRate !== undefined ? { approvalRate: options.approvalRate } : {}),
        ...(options.defects ? { defects: options.defects } : {}),
      }),
    estoque: () => new EstoqueService({ store: stores.estoque, clock, fiscal: client("fiscal") }),
    fiscal: () => new FiscalService({ store: stores.fiscal, clock, random, logistica: client("logistica") }),
    logistica: () => new LogisticaService({ store: stores.logistica, clock }),
    catalogo: () => new CatalogoService({ store: stores.catalogo, estoque: client("estoque") }),
  };
  return build[name]();
}

/** Builds all six services. */
export function createCheckoutServices(options: CheckoutServiceOptions): CheckoutServices {
  return {
    pedidos: createService("pedidos", options),
    pagamentos: createService("pagamentos", options),
    estoque: createService("estoque", options),
    fiscal: createService("fiscal", options),
    logistica: createService("logistica", options),
    catalogo: createService("catalogo", options),
  };
}

/** Binds one service instance to a router under its definition. */
export function bindService(router: Router, name: ServiceName, service: CheckoutServices[ServiceName]): Router {
  return router.service(CHECKOUT_DEFINITIONS[name], service as never);
}
