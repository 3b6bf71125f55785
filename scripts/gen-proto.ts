/**
 * Regenerates src/gen from proto/ with ts-proto through buf (both npm packages,
 * so no system protoc is needed). `--out DIR` writes elsewhere, which is how the
 * freshness test compares a new generation with the committed one.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { out: { type: "string", default: join(root, "src/gen") } } });
const out = resolve(values.out!);

/** ts-proto options: generic definitions drive every transport; `.js` suffixes for NodeNext ESM. */
const tsProtoOptions = [
  "outputServices=generic-definitions",
  "esModuleInterop=true",
  "importSuffix=.js",
  "useExactTypes=false",
  "forceLong=number",
  "oneof=unions-value",
];

const template = {
  version: "v2",
  plugins: [
    {
      local: join(root, "node_modules/.bin/protoc-gen-ts_proto"),
      out,
      opt: tsProtoOptions,
    },
  ],
};

const work = mkdtempSync(join(tmpdir(), "gen-proto-"));
try {
  const templatePath = join(work, "buf.gen.json");
  writeFileSync(templatePath, JSON.stringify(template));
  rmSync(out, { recursive: true, force: true });
  execFileSync(join(root, "node_modules/.bin/buf"), ["generate", "--template", templatePath], {
    cwd: root,
    stdio: "inherit",
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
