import { Metadata as GrpcMetadata } from "@grpc/grpc-js";
import type { Metadata } from "../call.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

/**
 * The call's metadata as grpc-js sends it: names lower-cased; a `-bin` entry's
 * value is base64 (the one way to carry bytes in a string map) and is sent as bytes.
 * An entry gRPC cannot carry (a bad name, a non-ASCII text value) fails with INTERNAL.
 */
export function toGrpcMetadata(metadata: Metadata): GrpcMetadata {
  const out = new GrpcMetadata();
  for (const [name, value] of Object.entries(metadata)) {
    const key = name.toLowerCase();
    try {
      out.set(key, key.endsWith("-bin") ? Buffer.from(value, "base64") : value);
    } catch (error) {
      throw new RpcError(Code.INTERNAL, `invalid metadata entry ${JSON.stringify(name)}: ${(error as Error).message}`, { cause: error });
    }
  }
  return out;
}

/**
 * What a handler sees of the request metadata: lower-case names to strings.
 * Repeated entries are joined with ", " (as HTTP joins headers); `-bin` values are base64.
 */
export function fromGrpcMetadata(metadata: GrpcMetadata): Metadata {
  const out: Record<string, string> = {};
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    out[key] = values.map((v) => (typeof v === "string" ? v : Buffer.from(v).toString("base64"))).join(", ");
  }
  return out;
}
