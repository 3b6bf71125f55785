/** A gateway over real services for the tests: in this process, on port 0, closed by `close()`. */
import { createCheckoutStores, type CheckoutCatalog } from "../../src/core/system/stores.js";
import { openHortifrutiStore } from "../../src/lab/hortifruti/hortifruti-store.js";
import { createGateway, startBackends, type BackendTransport, type Cliente, type Gateway } from "../../src/gateway/index.js";
import { systemClock } from "../../src/transports/system-clock.js";

/** Two customers and four products, one out of stock. */
export const TEST_CATALOG: CheckoutCatalog = {
  clientes: [
    { id: 1, nome: "Ana Souza", email: "ana@example.com" },
    { id: 2, nome: "Bruno Lima", email: "bruno@example.com" },
  ],
  produtos: [
    { id: 1, nome: "Produto A", precoCentavos: 2590, estoque: 50 },
    { id: 2, nome: "Produto B", precoCentavos: 4990, estoque: 0 },
    { id: 3, nome: "Produto C", precoCentavos: 1250, estoque: 5 },
    { id: 4, nome: "Fone de ouvido", precoCentavos: 19900, estoque: 20 },
  ],
};

/** A running gateway with its services, and what the tests need of it. */
export interface TestStack {
  readonly gateway: Gateway;
  /** `gateway.url + path`. */
  url(path: string): string;
  /** Errors the gateway saw that were not RpcErrors (a test expects none). */
  readonly unexpected: unknown[];
  close(): Promise<void>;
}

/** Starts the services over `transport` and the gateway in front of them. */
export async function startTestStack(transport: BackendTransport = "inproc", options: { maxSimOrders?: number } = {}): Promise<TestStack> {
  const stores = await createCheckoutStores(TEST_CATALOG);
  const backends = await startBackends({ transport, stores, hortifruti: await openHortifrutiStore(), seed: 3, clock: systemClock });
  const unexpected: unknown[] = [];
  const gateway = await createGateway({
    transports: backends.transports,
    clientes: () => stores.pedidos.all<Cliente>("SELECT id, nome, email FROM clientes ORDER BY id"),
    onUnexpectedError: (error) => unexpected.push(error),
    ...options,
  });
  return {
    gateway,
    url: (path) => gateway.url + path,
    unexpected,
    async close() {
      await gateway.close();
      await backends.close();
    },
  };
}
