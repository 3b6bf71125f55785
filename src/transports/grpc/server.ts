import { Server, ServerCredentials, type ServiceDefinition as GrpcServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { Clock } from "../../core/clock.js";
import { HealthDefinition } from "../../gen/grpc/health/v1/health.js";
import { Code } from "../codes.js";
import type { ServiceDefinition } from "../definition.js";
import { createRouter, type Handler, type Router } from "../router.js";
import { RpcError } from "../rpc-error.js";
import { systemClock } from "../system-clock.js";
import { DEFAULT_MAX_MESSAGE_BYTES, serializers } from "./codec.js";
import { createHealthService, type ServingStatus } from "./health.js";
import { addReflection } from "./reflection.js";
import { serverStreamCall, unaryCall, type ServeEnv } from "./serve-call.js";

/** How long the calls stopped at shutdown get to send their status before connections are cut, in ms. */
const FORCE_AFTER_STOP_MS = 200;

/** Options of {@link createGrpcServer}. */
export interface GrpcServerOptions {
  /** Interface to listen on. Default: "127.0.0.1" (loopback only). */
  readonly host?: string;
  /** Port to listen on. Default: 0 (any free port; read it from `port`). */
  readonly port?: number;
  /** Times deadlines; handlers see their deadline in its ms. Default: the system clock. */
  readonly clock?: Clock;
  /** Largest message received or sent, in bytes; a larger one fails with RESOURCE_EXHAUSTED. Default: 4 MiB. */
  readonly maxMessageBytes?: number;
  /** Serve `grpc.health.v1.Health` (SERVING for "" and each service) unless the router has it. Default: true. */
  readonly health?: boolean;
  /** Serve gRPC server reflection for the router's services (and health), from the .proto files. Default: true. */
  readonly reflection?: boolean;
  /** How long `close()` waits for calls in flight before cutting them off, in ms. Default: 2000. */
  readonly shutdownTimeoutMs?: number;
  /** Extra grpc-js server options (e.g. keep-alive), applied last. Default: none. */
  readonly serverOptions?: Readonly<Record<string, unknown>>;
  /** Sees every error a handler threw that was not an RpcError (the caller gets UNKNOWN and a generic message). */
  readonly onUnexpectedError?: (error: unknown, path: string) => void;
}

/** A running gRPC server. */
export interface GrpcServer {
  /** The port it listens on. */
  readonly port: number;
  /** `host:port` to give a client (IPv6 hosts in brackets). */
  readonly address: string;
  /** Sets what the health service reports for `service` ("" for the whole server). */
  setServingStatus(service: string, status: ServingStatus): void;
  /**
   * Stops: health turns NOT_SERVING, new calls are refused, calls in flight get
   * `shutdownTimeoutMs` to finish, then end UNAVAILABLE and their handlers are
   * cancelled. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Serves every handler of `router` over gRPC (grpc-js), each on its method path
 * with the definition's protobuf serializers. Unknown paths answer UNIMPLEMENTED,
 * requests that do not decode INTERNAL, messages over the limit RESOURCE_EXHAUSTED.
 */
export async function createGrpcServer(router: Router, options: GrpcServerOptions = {}): Promise<GrpcServer> {
  const host = options.host ?? "127.0.0.1";
  const clock = options.clock ?? systemClock;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const env: ServeEnv = { clock, onUnexpectedError: options.onUnexpectedError, inFlight: new Set() };
  const server = new Server({
    "grpc.max_receive_message_length": maxMessageBytes,
    "grpc.max_send_message_length": maxMessageBytes,
    ...options.serverOptions,
  });

  const groups = groupByService(router.handlers.values());
  const health = createHealthService(router.services.map((s) => s.fullName));
  if ((options.health ?? true) && !router.services.some((s) => s.fullName === HealthDefinition.fullName)) {
    for (const [service, handlers] of groupByService(createRouter().service(HealthDefinition, health.impl).handlers.values())) groups.set(service, handlers);
  }
  for (const handlers of groups.values()) addService(server, handlers, env);
  if (options.reflection ?? true) addReflection(server, [...groups.keys()].map((s) => s.fullName));

  const hostPart = host.includes(":") ? `[${host}]` : host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${hostPart}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });

  let closing: Promise<void> | undefined;
  return {
    port,
    address: `${hostPart}:${port}`,
    setServingStatus: (service, status) => health.setStatus(service, status),
    close() {
      closing ??= new Promise<void>((resolve) => {
        health.shutdown();
        let cancelForce = () => {};
        // Past the timeout, calls still in flight end UNAVAILABLE (worth a retry elsewhere), not with a bare reset.
        const cancelStop = clock.setTimer(options.shutdownTimeoutMs ?? 2000, () => {
          for (const call of [...env.inFlight]) call.stop(new RpcError(Code.UNAVAILABLE, "server shutting down"));
          cancelForce = clock.setTimer(FORCE_AFTER_STOP_MS, () => {
            server.forceShutdown();
            resolve();
          });
        });
        server.tryShutdown(() => {
          cancelStop();
          cancelForce();
          resolve();
        });
      });
      return closing;
    },
  };
}

/** The handlers grouped by the service definition they belong to. */
function groupByService(handlers: Iterable<Handler>): Map<ServiceDefinition, Handler[]> {
  const groups = new Map<ServiceDefinition, Handler[]>();
  for (const handler of handlers) {
    const group = groups.get(handler.service);
    if (group) group.push(handler);
    else groups.set(handler.service, [handler]);
  }
  return groups;
}

/** Registers one service's handlers with grpc-js: a definition built from paths and serializers, and its implementation. */
function addService(server: Server, handlers: readonly Handler[], env: ServeEnv): void {
  const definition: Record<string, GrpcServiceDefinition[string]> = {};
  const implementation: UntypedServiceImplementation = {};
  for (const handler of handlers) {
    const request = serializers(handler.method.requestType);
    const response = serializers(handler.method.responseType);
    const key = handler.method.name;
    definition[key] = {
      path: handler.path,
      requestStream: false,
      responseStream: handler.kind === "stream",
      requestSerialize: request.serialize,
      requestDeserialize: request.deserialize,
      responseSerialize: response.serialize,
      responseDeserialize: response.deserialize,
      originalName: key,
    };
    implementation[key] = handler.kind === "unary" ? unaryCall(handler, env) : serverStreamCall(handler, env);
  }
  server.addService(definition, implementation);
}
