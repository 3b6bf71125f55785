import type { CallContext, Transport } from "../call.js";
import type { ServiceDefinition } from "../definition.js";
import { methodPath } from "../definition.js";
import { createRouter, type ImplOf, type Router } from "../router.js";

/**
 * The project's own reverse proxy (the seed's "proxy reverso"): a router that
 * serves every method of `definitions` by forwarding the call to `upstream`,
 * typically a {@link balanced} transport over the service's replicas. Serve the
 * router on any transport (a simulated node, in-process, gRPC, HTTP) and
 * callers reach the replicas through one address without knowing them. The
 * caller's deadline, cancellation and metadata travel on; errors come back
 * with their codes; streams are passed through message by message.
 */
export function createReverseProxy(definitions: readonly ServiceDefinition[], upstream: Transport): Router {
  const router = createRouter();
  for (const definition of definitions) router.service(definition, forwarding(definition, upstream));
  return router;
}

/** An implementation of `definition` whose every method forwards to `upstream`. */
function forwarding<D extends ServiceDefinition>(definition: D, upstream: Transport): ImplOf<D> {
  const impl: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(definition.methods)) {
    const path = methodPath(definition, method);
    const forward = (message: unknown, context: CallContext) =>
      upstream.call({ service: definition, method, path, message, signal: context.signal, deadline: context.deadline, metadata: context.metadata });
    impl[key] = method.responseStream
      ? async function* (message: unknown, context: CallContext) {
          const response = await forward(message, context);
          if (!response.stream) throw new TypeError(`${path}: upstream answered one message to a stream call`);
          yield* response.messages;
        }
      : async (message: unknown, context: CallContext) => {
          const response = await forward(message, context);
          if (response.stream) throw new TypeError(`${path}: upstream answered a stream to a unary call`);
          return response.message;
        };
  }
  return impl as ImplOf<D>;
}
