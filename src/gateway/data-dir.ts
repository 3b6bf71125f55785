import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { openCatalogoStore } from "../core/catalogo/catalogo-store.js";
import { openEstoqueStore } from "../core/estoque/estoque-store.js";
import { openFiscalStore } from "../core/fiscal/fiscal-store.js";
import { openLogisticaStore } from "../core/logistica/logistica-store.js";
import { openPagamentosStore } from "../core/pagamentos/pagamentos-store.js";
import { openPedidosStore } from "../core/pedidos/pedidos-store.js";
import type { SqlStore } from "../core/store/sql-store.js";
import { createCheckoutStores, type CheckoutStores } from "../core/system/stores.js";
import { SERVICE_NAMES, type ServiceName } from "../core/vocabulary.js";
import { generateCatalog } from "../data/synthetic.js";
import { recoverFileSet, writeFileSet } from "../io/write-file-set.js";
import { openHortifrutiStore } from "../lab/hortifruti/hortifruti-store.js";

/** Every database `npm start` runs on: the checkout's six and seed 002's hortifruti.db. */
export interface Databases {
  readonly checkout: CheckoutStores;
  readonly hortifruti: SqlStore;
}

const HORTIFRUTI_FILE = "hortifruti.db";
const OPEN_FROM_BYTES: Readonly<Record<ServiceName, (bytes: Uint8Array) => Promise<SqlStore>>> = {
  pedidos: (bytes) => openPedidosStore({ bytes }),
  pagamentos: (bytes) => openPagamentosStore({ bytes }),
  estoque: (bytes) => openEstoqueStore({ bytes }),
  fiscal: (bytes) => openFiscalStore({ bytes }),
  logistica: (bytes) => openLogisticaStore({ bytes }),
  catalogo: (bytes) => openCatalogoStore({ bytes }),
};

/** The file names in a data directory: `<service>.db` for each checkout service, and hortifruti.db. */
export function databaseFiles(): string[] {
  return [...SERVICE_NAMES.map((name) => `${name}.db`), HORTIFRUTI_FILE];
}

/**
 * Opens the databases from `dir` when it holds them all (a previous run's
 * shutdown wrote them), or new ones seeded from the synthetic catalog of
 * `seed` when it holds none (or there is no `dir`). A directory with only some
 * of them is refused: mixing old and new databases would break the invariants.
 */
export async function openDatabases(options: { readonly dir?: string; readonly seed: number }): Promise<{ readonly databases: Databases; readonly loaded: boolean }> {
  const { dir } = options;
  if (dir) await recoverFileSet(dir);
  const present = dir ? await Promise.all(databaseFiles().map((file) => exists(join(dir, file)))) : [];
  if (!dir || present.every((p) => !p)) {
    const checkout = await createCheckoutStores(generateCatalog(options.seed));
    return { databases: { checkout, hortifruti: await openHortifrutiStore() }, loaded: false };
  }
  const missing = databaseFiles().filter((_, i) => !present[i]);
  if (missing.length > 0) throw new Error(`${dir} holds some databases but not ${missing.join(", ")}; remove them all to start afresh`);
  const checkout: Partial<Record<ServiceName, SqlStore>> = {};
  for (const name of SERVICE_NAMES) checkout[name] = await OPEN_FROM_BYTES[name](await readFile(join(dir, `${name}.db`)));
  const hortifruti = await openHortifrutiStore({ bytes: await readFile(join(dir, HORTIFRUTI_FILE)) });
  return { databases: { checkout: checkout as CheckoutStores, hortifruti }, loaded: true };
}

/** Writes every database into `dir` as one set: a crash mid-save leaves all the old files or all the new ones. */
export async function saveDatabases(databases: Databases, dir: string): Promise<void> {
  const files: Record<string, Uint8Array> = { [HORTIFRUTI_FILE]: databases.hortifruti.export() };
  for (const name of SERVICE_NAMES) files[`${name}.db`] = databases.checkout[name].export();
  await writeFileSet(dir, files);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
