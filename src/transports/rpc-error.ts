import { Code, codeName } from "./codes.js";

/** The message sent for errors that were not meant for the caller. */
export const GENERIC_ERROR_MESSAGE = "internal error";

/** The one error type of the RPC layer: a status code, a message, and the cause if known. */
export class RpcError extends Error {
  override readonly name = "RpcError";
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /**
   * Any thrown value as an RpcError: RpcErrors pass through, aborts become
   * CANCELLED (or the abort reason if it is an RpcError), anything else is
   * UNKNOWN with a generic message and the original kept as `cause`.
   */
  static from(error: unknown): RpcError {
    if (error instanceof RpcError) return error;
    if (isAbortError(error)) return new RpcError(Code.CANCELLED, "call cancelled", { cause: error });
    return new RpcError(Code.UNKNOWN, GENERIC_ERROR_MESSAGE, { cause: error });
  }

  /** `CODE_NAME: message`, as printed in reports. */
  override toString(): string {
    return `${codeName(this.code)}: ${this.message}`;
  }
}

/** True for the errors and reasons that `AbortSignal.abort()` produces. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

/**
 * The error a server lets its caller see: an RpcError's code and message
 * without its cause; anything else as UNKNOWN with a generic message, after
 * handing the original to `onUnexpected` (for the server's log).
 */
export function errorForCaller(error: unknown, onUnexpected?: (error: unknown) => void): RpcError {
  if (error instanceof RpcError) {
    // OK or a code outside the gRPC range is not an error status a caller can receive.
    const valid = Number.isInteger(error.code) && error.code >= Code.CANCELLED && error.code <= Code.UNAUTHENTICATED;
    return new RpcError(valid ? error.code : Code.UNKNOWN, error.message);
  }
  const rpc = RpcError.from(error);
  if (rpc.code === Code.UNKNOWN) onUnexpected?.(error);
  return new RpcError(rpc.code, rpc.message);
}
