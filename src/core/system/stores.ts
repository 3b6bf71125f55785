import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../io/write-file-atomic.js";
import { openCatalogoStore } from "../catalogo/catalogo-store.js";
import { openEstoqueStore } from "../estoque/estoque-store.js";
import { openFiscalStore } from "../fiscal/fiscal-store.js";
import { openLogisticaStore } from "../logistica/logistica-store.js";
import { openPagamentosStore } from "../pagamentos/pagamentos-store.js";
import { openPedidosStore } from "../pedidos/pedidos-store.js";
import type { SqlStore } from "../store/sql-store.js";
import { SERVICE_NAMES, type ServiceName } from "../vocabulary.js";

/** Each service's own database, by service name. */
export type CheckoutStores = Readonly<Record<ServiceName, SqlStore>>;

/** What the services start from: customers, and products with price and stock. */
export interface CheckoutCatalog {
  readonly clientes: readonly { readonly id: number; readonly nome: string; readonly email: string }[];
  readonly produtos: readonly { readonly id: number; readonly nome: string; readonly precoCentavos: number; readonly estoque: number }[];
}

/** Opens the six databases, new and seeded from the catalog. */
export async function createCheckoutStores(catalog: CheckoutCatalog): Promise<CheckoutStores> {
  return {
    pedidos: await openPedidosStore({ clientes: catalog.clientes }),
    pagamentos: await openPagamentosStore(),
    estoque: await openEstoqueStore({ estoque: catalog.produtos }),
    fiscal: await openFiscalStore(),
    logistica: await openLogisticaStore(),
    catalogo: await openCatalogoStore({ produtos: catalog.produtos }),
  };
}

/** Writes each database as `dir/<service>.db`, a real SQLite file (each written atomically). */
export async function exportStores(stores: CheckoutStores, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const name of SERVICE_NAMES) {
    const path = join(dir, `${name}.db`);
    await writeFileAtomic(path, stores[name].export());
    paths.push(path);
  }
  return paths;
}
