/**
 * Regenerates src/gen from proto/ with ts-proto as a protoc plugin (protoc from
 * Debian's protobuf-compiler). `--out DIR` writes elsewhere, which is how the
 * freshness test compares a new generation with the committed one.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync, statSync, mkdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

const root = resolve(import.meta.dirname, "..");
const protoRoot = join(root, "proto");
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

function protoFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? protoFiles(path) : name.endsWith(".proto") ? [relative(protoRoot, path)] : [];
    });
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
try {
  execFileSync(
    "protoc",
    [
      `--plugin=protoc-gen-ts_proto=${join(root, "node_modules/.bin/protoc-gen-ts_proto")}`,
      `--ts_proto_out=${out}`,
      `--ts_proto_opt=${tsProtoOptions.join(",")}`,
      `--proto_path=${protoRoot}`,
      ...protoFiles(protoRoot),
    ],
    { cwd: root, stdio: "inherit" },
  );
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === "ENOENT") {
    console.error("protoc not found: install Debian's protobuf-compiler (apt-get install protobuf-compiler)");
    process.exit(1);
  }
  throw error;
}
