/** CLI: writes the seed's synthetic ecommerce.db (`npm run data -- --out ecommerce.db --seed 1`). */
import { rename, unlink, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { countRows, ECOMMERCE_TABLES, generateEcommerceDb } from "../data/ecommerce-db.js";
import { MAX_SEED } from "../data/synthetic.js";

const USAGE = `usage: npm run data -- --out <file.db> --seed <n> [--clientes 50] [--produtos 30] [--pedidos 100]

Writes a deterministic synthetic SQLite ecommerce database (same seed, same bytes).

  --out <file>      output path (required; written atomically)
  --seed <n>        integer seed, 0..${MAX_SEED} (required)
  --clientes <n>    customers, 1..100000 (default 50)
  --produtos <n>    products, 1..100000 (default 30)
  --pedidos <n>     orders, 0..1000000 (default 100)
  -h, --help        show this help`;

/** Bad command-line input: reported without a stack trace, exit code 2. */
class UsageError extends Error {}

function intFlag(name: string, raw: string | undefined, min: number, max: number, fallback?: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer in ${min}..${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function parse(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: "string" },
        seed: { type: "string" },
        clientes: { type: "string" },
        produtos: { type: "string" },
        pedidos: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  if (values.out === undefined || values.out === "") throw new UsageError("--out is required");
  return {
    out: values.out,
    seed: intFlag("seed", values.seed, 0, MAX_SEED),
    clientes: intFlag("clientes", values.clientes, 1, 100_000, 50),
    produtos: intFlag("produtos", values.produtos, 1, 100_000, 30),
    pedidos: intFlag("pedidos", values.pedidos, 0, 1_000_000, 100),
  };
}

async function main(): Promise<void> {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`data: ${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (!args) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const { out, ...opts } = args;
  const bytes = await generateEcommerceDb(opts);
  // Write beside the target and rename, so a crash never leaves a half-written file.
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, out);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    process.stderr.write(`data: cannot write ${out}: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const counts = await countRows(bytes);
  const summary = ECOMMERCE_TABLES.map((t) => `${t}=${counts[t]}`).join(" ");
  process.stdout.write(`wrote ${out} (seed ${opts.seed}, ${bytes.length} bytes): ${summary}\n`);
}

await main();
