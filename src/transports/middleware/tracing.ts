import type { Interceptor } from "../call.js";
import { codeName } from "../codes.js";
import { RpcError } from "../rpc-error.js";

/** One traced moment of a call, as the tracing interceptor reports it. */
export type CallEvent =
  | { readonly kind: "call"; readonly path: string; readonly request: unknown }
  | { readonly kind: "reply"; readonly path: string; readonly response: unknown }
  | { readonly kind: "error"; readonly path: string; readonly code: string; readonly message: string };

/**
 * Reports each call, its reply or its error, with the messages in canonical
 * proto3 JSON. Streams report each message as a reply.
 */
export function tracing(onEvent: (event: CallEvent) => void): Interceptor {
  return (next) => async (request) => {
    const { path, method } = request;
    onEvent({ kind: "call", path, request: method.requestType.toJSON(request.message as never) });
    const fail = (error: unknown) => {
      const rpc = RpcError.from(error);
      onEvent({ kind: "error", path, code: codeName(rpc.code), message: rpc.message });
    };
    try {
      const response = await next(request);
      if (!response.stream) {
        onEvent({ kind: "reply", path, response: method.responseType.toJSON(response.message as never) });
        return response;
      }
      const messages = async function* () {
        try {
          for await (const message of response.messages) {
            onEvent({ kind: "reply", path, response: method.responseType.toJSON(message as never) });
            yield message;
          }
        } catch (error) {
          fail(error);
          throw error;
        }
      };
      return { stream: true, messages: messages() };
    } catch (error) {
      fail(error);
      throw error;
    }
  };
}
