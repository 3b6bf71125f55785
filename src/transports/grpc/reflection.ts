import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSync, type PackageDefinition } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import type { Server } from "@grpc/grpc-js";

/** The project's .proto files, which reflection describes (the generated code does not carry descriptors). */
const PROTO_ROOT = fileURLToPath(new URL("../../../proto", import.meta.url));

let packageDefinition: PackageDefinition | undefined;

/** Every .proto under proto/, relative to it. */
function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? protoFiles(path) : entry.name.endsWith(".proto") ? [relative(PROTO_ROOT, path)] : [];
  });
}

/**
 * Serves gRPC server reflection (v1 and v1alpha) for `services` (full names),
 * so grpcurl, Postman or grpc_cli can list and call them. Reflection alone loads
 * the .proto files (once per process); calls never go through proto-loader.
 */
export function addReflection(server: Pick<Server, "addService">, services: readonly string[]): void {
  packageDefinition ??= loadSync(protoFiles(PROTO_ROOT), { includeDirs: [PROTO_ROOT] });
  const known = services.filter((name) => name in packageDefinition!);
  new ReflectionService(packageDefinition, { services: known }).addToServer(server);
}
