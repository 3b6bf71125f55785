/**
 * The gRPC transport in the conformance suite: a grpc-js server on loopback
 * port 0 serving the router, and a client transport on one channel to it.
 */
import { createGrpcServer, createGrpcTransport } from "../../src/transports/grpc/index.js";
import type { TransportFactory } from "./harness.js";

/** A real gRPC server and client over loopback, both closed by `close()`. */
export const grpcTransportFactory: TransportFactory = {
  name: "grpc",
  async start(router, { clock }) {
    const server = await createGrpcServer(router, { host: "127.0.0.1", port: 0, clock });
    const transport = createGrpcTransport({ address: server.address, clock });
    return {
      transport,
      async close() {
        transport.close();
        await server.close();
      },
    };
  },
};
