import {
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthDefinition,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../gen/grpc/health/v1/health.js";
import type { CallContext } from "../call.js";
import { Code } from "../codes.js";
import type { ImplOf } from "../router.js";
import { RpcError } from "../rpc-error.js";

/** What the health service reports for a service (the generated `HealthCheckResponse_ServingStatus`). */
export { ServingStatus };

/**
 * The standard `grpc.health.v1.Health` service: a status per service name
 * ("" is the whole server). Check answers NOT_FOUND for a name it does not
 * know; Watch sends the status now and on every change until the caller leaves.
 */
export interface HealthService {
  /** The implementation to bind to `HealthDefinition`. */
  readonly impl: ImplOf<typeof HealthDefinition>;
  /** Sets the status of `service` ("" for the server) and tells its watchers. */
  setStatus(service: string, status: ServingStatus): void;
  /** Marks every service NOT_SERVING and ends every Watch (a server shutting down does this first). */
  shutdown(): void;
}

/** A health service reporting SERVING for "" and for each of `services` (full names). */
export function createHealthService(services: readonly string[]): HealthService {
  const statuses = new Map<string, ServingStatus>([["", ServingStatus.SERVING], ...services.map((s) => [s, ServingStatus.SERVING] as const)]);
  const watchers = new Set<() => void>();
  let closed = false;
  const notify = () => {
    for (const wake of [...watchers]) wake();
  };
  const current = (service: string): HealthCheckResponse => ({ status: statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN });

  const impl: ImplOf<typeof HealthDefinition> = {
    async check(request: HealthCheckRequest) {
      const status = statuses.get(request.service);
      if (status === undefined) throw new RpcError(Code.NOT_FOUND, `unknown service ${JSON.stringify(request.service)}`);
      return { status };
    },
    async *watch(request: HealthCheckRequest, context: CallContext) {
      let last = current(request.service);
      yield last;
      while (!closed && !context.signal.aborted) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            watchers.delete(wake);
            context.signal.removeEventListener("abort", wake);
            resolve();
          };
          watchers.add(wake);
          context.signal.addEventListener("abort", wake, { once: true });
        });
        const next = current(request.service);
        if (next.status !== last.status) yield (last = next);
      }
    },
  };
  return {
    impl,
    setStatus(service, status) {
      statuses.set(service, status);
      notify();
    },
    shutdown() {
      for (const service of statuses.keys()) statuses.set(service, ServingStatus.NOT_SERVING);
      closed = true;
      notify();
    },
  };
}
