import type { CallContext } from "./call.js";
import { Code } from "./codes.js";
import type { MethodDefinition, RequestOf, ResponseOf, ServiceDefinition } from "./definition.js";
import { methodPath } from "./definition.js";
import { RpcError } from "./rpc-error.js";

type MethodImpl<M> = M extends { responseStream: true }
  ? (request: RequestOf<M>, context: CallContext) => AsyncIterable<ResponseOf<M>>
  : (request: RequestOf<M>, context: CallContext) => Promise<ResponseOf<M>>;

/** What a class must implement to serve a definition: one method per RPC, typed from it. */
export type ImplOf<D extends ServiceDefinition> = { [K in keyof D["methods"]]: MethodImpl<D["methods"][K]> };

/** A bound method, ready for a transport to call. */
export type Handler =
  | { readonly kind: "unary"; readonly service: ServiceDefinition; readonly method: MethodDefinition; readonly path: string; readonly invoke: (request: unknown, context: CallContext) => Promise<unknown> }
  | { readonly kind: "stream"; readonly service: ServiceDefinition; readonly method: MethodDefinition; readonly path: string; readonly invoke: (request: unknown, context: CallContext) => AsyncIterable<unknown> };

/** Maps method paths to the handlers of bound service instances. */
export interface Router {
  /** Binds `impl` to every method of `definition`; methods it lacks answer UNIMPLEMENTED. */
  service<D extends ServiceDefinition>(definition: D, impl: Partial<ImplOf<D>>): Router;
  /** The handler for a path, or undefined when no service has it. */
  lookup(path: string): Handler | undefined;
  /** Every bound path. */
  readonly handlers: ReadonlyMap<string, Handler>;
  /** Every bound service definition. */
  readonly services: readonly ServiceDefinition[];
}

/** Creates an empty router. */
export function createRouter(): Router {
  const handlers = new Map<string, Handler>();
  const services: ServiceDefinition[] = [];
  const router: Router = {
    handlers,
    services,
    service(definition, impl) {
      for (const [key, method] of Object.entries(definition.methods)) {
        const path = methodPath(definition, method);
        if (handlers.has(path)) throw new Error(`${path} is bound twice`);
        const fn = (impl as Record<string, Function | undefined>)[key]?.bind(impl);
        const missing = () => {
          throw new RpcError(Code.UNIMPLEMENTED, `${path} is not implemented`);
        };
        const base = { service: definition, method, path };
        handlers.set(
          path,
          method.responseStream
            ? { ...base, kind: "stream", invoke: fn ?? (async function* () { missing(); }) }
            : { ...base, kind: "unary", invoke: fn ?? (async () => missing()) },
        );
      }
      services.push(definition);
      return router;
    },
    lookup: (path) => handlers.get(path),
  };
  return router;
}

/** The error for a path no service has. */
export function unknownMethodError(path: string): RpcError {
  return new RpcError(Code.UNIMPLEMENTED, `unknown method ${path}`);
}
