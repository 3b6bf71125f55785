/** CLI: writes the seed's synthetic ecommerce.db (`npm run data -- --out ecommerce.db --seed 1`). */
import { countRows, ECOMMERCE_TABLES, generateEcommerceDb } from "../data/ecommerce-db.js";
import { MAX_SEED } from "../data/synthetic.js";
import { writeFileAtomic } from "../io/write-file-atomic.js";
import { intFlag, parseFlags, runCli, UsageError } from "./args.js";

const USAGE = `usage: npm run data -- --out <file.db> --seed <n> [--clientes 50] [--produtos 30] [--pedidos 100]

Writes a deterministic synthetic SQLite ecommerce database (same seed, same bytes).

  --out <file>      output path (required; written atomically)
  --seed <n>        integer seed, 0..${MAX_SEED} (required)
  --clientes <n>    customers, 1..100000 (default 50)
  --produtos <n>    products, 1..100000 (default 30)
  --pedidos <n>     orders, 0..1000000 (default 100)
  -h, --help        show this help`;

await runCli("data", USAGE, async () => {
  const values = parseFlags(process.argv.slice(2), {
    out: { type: "string" },
    seed: { type: "string" },
    clientes: { type: "string" },
    produtos: { type: "string" },
    pedidos: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.out) throw new UsageError("--out is required");
  const opts = {
    seed: intFlag("seed", values.seed, 0, MAX_SEED),
    clientes: intFlag("clientes", values.clientes, 1, 100_000, 50),
    produtos: intFlag("produtos", values.produtos, 1, 100_000, 30),
    pedidos: intFlag("pedidos", values.pedidos, 0, 1_000_000, 100),
  };
  const bytes = await generateEcommerceDb(opts);
  try {
    await writeFileAtomic(values.out, bytes);
  } catch (error) {
    process.stderr.write(`data: cannot write ${values.out}: ${(error as Error).message}\n`);
    return 1;
  }
  const counts = await countRows(bytes);
  const summary = ECOMMERCE_TABLES.map((t) => `${t}=${counts[t]}`).join(" ");
  process.stdout.write(`wrote ${values.out} (seed ${opts.seed}, ${bytes.length} bytes): ${summary}\n`);
});
