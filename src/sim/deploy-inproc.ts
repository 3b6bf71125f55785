import { CHECKOUT_DEFINITIONS, bindService, createCheckoutServices } from "../core/system/services.js";
import { SERVICE_NAMES, type ServiceName } from "../core/vocabulary.js";
import { createClient, createInProcessTransport, createRouter, type Interceptor } from "../transports/index.js";
import { tracing } from "../transports/middleware/tracing.js";
import type { Deployment, DeploymentContext } from "./deployment.js";

/**
 * All six services behind one router in this process. In-process calls take
 * no virtual time, so the scheduler's clock stays where it is; every call and
 * reply goes into the trace.
 */
export function deployInProcess(context: DeploymentContext): Deployment {
  const { scheduler, trace } = context;
  const traced = (from: string, to: ServiceName): Interceptor[] => [tracing((event) => trace.record({ from, to, ...event }))];
  const router = createRouter();
  const transport = createInProcessTransport(router, { clock: scheduler });
  const services = createCheckoutServices({
    stores: context.stores,
    clock: () => scheduler,
    random: context.random.fork("services"),
    connect: () => transport,
    interceptors: traced,
    ...(context.approvalRate !== undefined ? { approvalRate: context.approvalRate } : {}),
        ...(context.defects ? { defects: context.defects } : {}),
  });
  for (const name of SERVICE_NAMES) bindService(router, name, services[name]);
  return {
    pedidos: createClient(CHECKOUT_DEFINITIONS.pedidos, transport, { interceptors: traced("cliente", "pedidos") }),
    clock: scheduler,
    run: (workload) => workload,
  };
}
