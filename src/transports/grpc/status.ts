import { Metadata as GrpcMetadata, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

/** The gRPC status a server sends for an RpcError (already made safe by `errorForCaller`). */
export function toGrpcStatus(error: RpcError): StatusObject {
  return { code: error.code, details: error.message, metadata: new GrpcMetadata() };
}

/** The RpcError for a status grpc-js reported to a caller; a code outside 1..16 is UNKNOWN. */
export function fromGrpcError(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  const status = error as Partial<ServiceError> | undefined;
  const code = status?.code;
  if (typeof code !== "number" || !Number.isInteger(code) || code < Code.CANCELLED || code > Code.UNAUTHENTICATED) {
    return new RpcError(Code.UNKNOWN, typeof status?.details === "string" ? status.details : "unknown error", { cause: error });
  }
  return new RpcError(code as Code, status?.details ?? "", { cause: error });
}
