import type { CallOptions, CallRequest, Interceptor, Transport } from "./call.js";
import { applyInterceptors } from "./call.js";
import { clientRequest } from "./call-request.js";
import { Code } from "./codes.js";
import type { DeepPartial, MethodDefinition, RequestOf, ResponseOf, ServiceDefinition } from "./definition.js";
import { methodPath } from "./definition.js";
import { RpcError } from "./rpc-error.js";

type ClientMethod<M> = M extends { responseStream: true }
  ? (request: DeepPartial<RequestOf<M>>, options?: CallOptions) => AsyncIterable<ResponseOf<M>>
  : (request: DeepPartial<RequestOf<M>>, options?: CallOptions) => Promise<ResponseOf<M>>;

/** A typed client for a service definition: one method per RPC, named as in the definition. */
export type ClientOf<D extends ServiceDefinition> = { readonly [K in keyof D["methods"]]: ClientMethod<D["methods"][K]> };

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Run around every call, first listed outermost. Default: none. */
  readonly interceptors?: readonly Interceptor[];
}

/** Builds a typed client that sends every call of `definition` through `transport`. */
export function createClient<D extends ServiceDefinition>(
  definition: D,
  transport: Transport,
  options: ClientOptions = {},
): ClientOf<D> {
  const next = applyInterceptors(transport.call, options.interceptors);
  const client: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(definition.methods)) {
    const path = methodPath(definition, method);
    const request = (message: unknown, opts: CallOptions = {}): CallRequest =>
      clientRequest(definition, method, path, method.requestType.fromPartial(message as never), opts);
    client[key] = method.responseStream
      ? (message: unknown, opts?: CallOptions) => streamCall(next, request(message, opts), method)
      : async (message: unknown, opts?: CallOptions) => {
          const response = await next(request(message, opts));
          if (response.stream) throw new RpcError(Code.INTERNAL, `${path} answered a stream to a unary call`);
          return response.message;
        };
  }
  return client as ClientOf<D>;
}

/** Starts the call when iteration starts, so an unconsumed stream costs nothing. */
async function* streamCall(
  next: (request: CallRequest) => ReturnType<Transport["call"]>,
  request: CallRequest,
  method: MethodDefinition,
): AsyncGenerator<unknown> {
  const response = await next(request);
  if (!response.stream) throw new RpcError(Code.INTERNAL, `${request.path} (${method.name}) answered one message to a stream call`);
  yield* response.messages;
}
