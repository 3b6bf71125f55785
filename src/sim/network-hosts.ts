import { createGrpcServer, createGrpcTransport } from "../transports/grpc/index.js";
import { createHttpServer, createHttpTransport } from "../transports/http/index.js";
import type { NetworkHost } from "./network-host.js";

/** The real transports a run can deploy the checkout on, by name. Servers close at once (shutdown 0 ms), as a crash does. */
export const NETWORK_HOSTS: Readonly<Record<string, NetworkHost>> = {
  grpc: {
    name: "grpc",
    async serve(router, { port, clock }) {
      return createGrpcServer(router, { port, clock, shutdownTimeoutMs: 0 });
    },
    connect(port, { clock }) {
      const transport = createGrpcTransport({ address: `127.0.0.1:${port}`, clock });
      return { transport, close: async () => transport.close() };
    },
  },
  http: {
    name: "http",
    async serve(router, { port, clock }) {
      return createHttpServer(router, { port, clock, shutdownTimeoutMs: 0 });
    },
    connect(port, { clock }) {
      const transport = createHttpTransport({ baseUrl: `http://127.0.0.1:${port}`, clock });
      return { transport, close: () => transport.close() };
    },
  },
};
