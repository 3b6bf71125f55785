import assert from "node:assert/strict";
import type { ItemPedido } from "../../src/gen/ecommerce/v1/common.js";
import type { Pedido } from "../../src/gen/ecommerce/v1/pedidos.js";
import { createRandom, type Random } from "../../src/core/random.js";
import type { SqlRow } from "../../src/core/store/sql-store.js";
import { bindService, CHECKOUT_DEFINITIONS, createCheckoutServices, type CheckoutServices } from "../../src/core/system/services.js";
import { createCheckoutStores, type CheckoutCatalog, type CheckoutStores } from "../../src/core/system/stores.js";
import { SERVICE_NAMES, type MetodoPagamento, type ServiceName } from "../../src/core/vocabulary.js";
import { checkInvariants } from "../../src/sim/invariants.js";
import { Scheduler } from "../../src/sim/scheduler.js";
import {
  Code,
  createClient,
  createInProcessTransport,
  createRouter,
  RpcError,
  type CallRequest,
  type ClientOf,
  type DeepPartial,
  type Interceptor,
  type Router,
  type Transport,
} from "../../src/transports/index.js";

/** The tests' fixed catalog: 3 customers and 4 products (produto 4 has a single unit, produto 2 three). */
export const FIXTURE_CATALOG: CheckoutCatalog = {
  clientes: [
    { id: 1, nome: "Ana Souza", email: "ana@example.com" },
    { id: 2, nome: "Bruno Lima", email: "bruno@example.com" },
    { id: 3, nome: "Carla Dias", email: "carla@example.com" },
  ],
  produtos: [
    { id: 1, nome: "Caneca", precoCentavos: 2590, estoque: 10 },
    { id: 2, nome: "Camiseta", precoCentavos: 4990, estoque: 3 },
    { id: 3, nome: "Caderno", precoCentavos: 1250, estoque: 50 },
    { id: 4, nome: "Fone de ouvido", precoCentavos: 19900, estoque: 1 },
  ],
};

/** Options of {@link createCheckoutFixture}. */
export interface CheckoutFixtureOptions {
  /** Share of payments approved; 1 or 0 forces the outcome. Default: 1. */
  readonly approvalRate?: number;
  /** Seed of the run's Random. Default: 1. */
  readonly seed?: number;
  /** Default: {@link FIXTURE_CATALOG}. */
  readonly catalog?: CheckoutCatalog;
  /** Client interceptors on every service-to-service call (not on the test's own clients). Default: none. */
  readonly interceptors?: (from: ServiceName, to: ServiceName) => readonly Interceptor[];
}

/** A typed client for each checkout service. */
export type CheckoutClients = { readonly [K in ServiceName]: ClientOf<(typeof CHECKOUT_DEFINITIONS)[K]> };

/** Every table of every store, `service.table` to its rows in rowid order. */
export type TableDump = Record<string, SqlRow[]>;

/** An in-process checkout, built for one test. */
export interface CheckoutFixture {
  readonly clock: Scheduler;
  readonly random: Random;
  readonly catalog: CheckoutCatalog;
  readonly stores: CheckoutStores;
  readonly services: CheckoutServices;
  readonly router: Router;
  readonly transport: Transport;
  readonly clients: CheckoutClients;
  /** Errors a handler threw that were not RpcErrors (callers saw UNKNOWN); tests expect none. */
  readonly unexpectedErrors: unknown[];
  /** Current stock of a product, read from estoque.db. */
  stock(produtoId: number): number;
  /** Places an order through the Pedidos client (cliente 1, pix, no key unless given). */
  order(itens: readonly DeepPartial<ItemPedido>[], more?: { clienteId?: number; metodo?: MetodoPagamento; chave?: string }): Promise<Pedido>;
  /** Frees the six databases. */
  close(): void;
}

/** Builds a fresh in-process checkout (a Scheduler as virtual clock, seeded Random, six stores and services on one router, typed clients). */
export async function createCheckoutFixture(options: CheckoutFixtureOptions = {}): Promise<CheckoutFixture> {
  const clock = new Scheduler();
  const random = createRandom(options.seed ?? 1);
  const catalog = options.catalog ?? FIXTURE_CATALOG;
  const stores = await createCheckoutStores(catalog);
  const unexpectedErrors: unknown[] = [];
  const router = createRouter();
  const transport = createInProcessTransport(router, { clock, onUnexpectedError: (error) => unexpectedErrors.push(error) });
  const services = createCheckoutServices({
    stores,
    clock: () => clock,
    random: random.fork("services"),
    connect: () => transport,
    approvalRate: options.approvalRate ?? 1,
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
  });
  for (const name of SERVICE_NAMES) bindService(router, name, services[name]);
  const clients: CheckoutClients = {
    pedidos: createClient(CHECKOUT_DEFINITIONS.pedidos, transport),
    pagamentos: createClient(CHECKOUT_DEFINITIONS.pagamentos, transport),
    estoque: createClient(CHECKOUT_DEFINITIONS.estoque, transport),
    fiscal: createClient(CHECKOUT_DEFINITIONS.fiscal, transport),
    logistica: createClient(CHECKOUT_DEFINITIONS.logistica, transport),
    catalogo: createClient(CHECKOUT_DEFINITIONS.catalogo, transport),
  };
  return {
    clock,
    random,
    catalog,
    stores,
    services,
    router,
    transport,
    clients,
    unexpectedErrors,
    stock: (produtoId) => stores.estoque.get<{ q: number }>("SELECT quantidade AS q FROM estoque WHERE produto_id = ?", [produtoId])!.q,
    order: (itens, more = {}) =>
      clients.pedidos.criarPedido({
        clienteId: more.clienteId ?? 1,
        itens,
        metodoPagamento: more.metodo ?? "pix",
        chaveIdempotencia: more.chave ?? "",
      }),
    close() {
      for (const name of SERVICE_NAMES) stores[name].close();
    },
  };
}

/** Every row of every table of every store (`except` names tables to leave out, e.g. `operacoes`). */
export function dumpTables(stores: CheckoutStores, except: readonly string[] = []): TableDump {
  const dump: TableDump = {};
  for (const name of SERVICE_NAMES) {
    const tables = stores[name].all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    for (const { name: table } of tables) {
      if (except.includes(table)) continue;
      dump[`${name}.${table}`] = stores[name].all(`SELECT * FROM ${table} ORDER BY rowid`);
    }
  }
  return dump;
}

/** `SELECT COUNT(*)` of every table of every store, keyed `service.table`. */
export function rowCounts(stores: CheckoutStores): Record<string, number> {
  return Object.fromEntries(Object.entries(dumpTables(stores)).map(([table, rows]) => [table, rows.length]));
}

/** Tables whose rows are effects (everything but the operations log). */
export const LOG_TABLES = ["operacoes"] as const;

/** Asserts that invariants 1-4 hold across the stores. */
export function assertInvariants(stores: CheckoutStores): void {
  const failed = checkInvariants(stores).filter((i) => !i.ok);
  assert.deepEqual(failed, [], "every invariant holds");
}

/** Awaits `call` and asserts it fails with an RpcError of `code` whose message matches `message`. */
export async function expectRpcError(call: () => Promise<unknown>, code: Code, message: RegExp): Promise<RpcError> {
  let caught: unknown;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${codeLabel(code)} matching ${message}, but the call succeeded`);
  assert.ok(caught instanceof RpcError, `expected an RpcError, got ${String(caught)}`);
  assert.equal(caught.code, code, `expected ${codeLabel(code)}, got ${caught.toString()}`);
  assert.match(caught.message, message);
  return caught;
}

/** Drains a stream into an array. */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

function codeLabel(code: Code): string {
  return Object.entries(Code).find(([, c]) => c === code)?.[0] ?? String(code);
}

/** How a faulty link fails a call: before the callee sees it, or after the callee applied it. */
export type LinkFault = "drop-request" | "lose-reply";

/** Programmable faults on service-to-service links, for {@link CheckoutFixtureOptions.interceptors}. */
export interface LinkFaults {
  /** Pass as the fixture's `interceptors`. */
  readonly interceptors: (from: ServiceName, to: ServiceName) => readonly Interceptor[];
  /** Fails the next `times` calls (default 1) from `from` to `to` (optionally only `method`, e.g. "ProcessarPagamento") with UNAVAILABLE. */
  fail(from: ServiceName, to: ServiceName, fault: LinkFault, options?: { method?: string; times?: number }): void;
  /**
   * Holds the next call from `from` to `to` until released: `reached` resolves
   * with the request once the call is being held.
   */
  hold(from: ServiceName, to: ServiceName): { readonly reached: Promise<CallRequest>; release(): void };
}

/** Creates a {@link LinkFaults} with no fault planned. */
export function createLinkFaults(): LinkFaults {
  type Plan = { from: ServiceName; to: ServiceName; method: string | undefined; left: number; apply: Interceptor };
  const plans: Plan[] = [];
  const unavailable = (what: string) => new RpcError(Code.UNAVAILABLE, `injected fault: ${what}`);
  return {
    interceptors: (from, to) => [
      (next) => async (request) => {
        const plan = plans.find((p) => p.from === from && p.to === to && p.left > 0 && (!p.method || request.method.name === p.method));
        if (!plan) return next(request);
        plan.left--;
        return plan.apply(next)(request);
      },
    ],
    fail(from, to, fault, options = {}) {
      const apply: Interceptor =
        fault === "drop-request"
          ? () => async () => {
              throw unavailable("request dropped");
            }
          : (next) => async (request) => {
              await next(request);
              throw unavailable("reply lost");
            };
      plans.push({ from, to, method: options.method, left: options.times ?? 1, apply });
    },
    hold(from, to) {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let reach!: (request: CallRequest) => void;
      const reached = new Promise<CallRequest>((resolve) => (reach = resolve));
      const apply: Interceptor = (next) => async (request) => {
        reach(request);
        await released;
        return next(request);
      };
      plans.push({ from, to, method: undefined, left: 1, apply });
      return { reached, release };
    },
  };
}
