/**
 * The HTTP transport in the conformance suite: a node:http server on
 * 127.0.0.1 port 0 serving the router, and a fetch client transport to it.
 */
import { createHttpServer } from "../../src/transports/http/server.js";
import { createHttpTransport } from "../../src/transports/http/transport.js";
import type { TransportFactory } from "./harness.js";

/** Large enough for the suite's 1 MiB bytes field, which travels base64-encoded (~1.4 MB of JSON). */
const MAX_BODY_BYTES = 4 << 20;

/** The HTTP server and client transport, on loopback. */
export const httpTransportFactory: TransportFactory = {
  name: "http",
  async start(router, { clock }) {
    // Crash-style handler errors are expected in the suite; the caller's view of them is what it checks.
    const server = await createHttpServer(router, { clock, maxBodyBytes: MAX_BODY_BYTES, onUnexpectedError: () => {} });
    const transport = createHttpTransport({ baseUrl: server.url, clock });
    return {
      transport,
      close: async () => {
        await transport.close();
        await server.close();
      },
    };
  },
};
