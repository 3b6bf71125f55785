import type { Clock } from "../core/clock.js";
import type { NetworkHost } from "../sim/network-host.js";
import { Code } from "../transports/codes.js";
import { createInProcessTransport } from "../transports/inproc/index.js";
import { RpcError } from "../transports/rpc-error.js";
import type { Transport } from "../transports/call.js";

/**
 * The in-process transport dressed as a {@link NetworkHost}, so `npm start
 * --transport inproc` deploys exactly as gRPC and HTTP do. A "port" is an id
 * in this process; a closed server answers UNAVAILABLE, as a stopped one would.
 */
export function createInProcessHost(options: { readonly onUnexpectedError?: (error: unknown, path: string) => void } = {}): NetworkHost {
  const live = new Map<number, Transport>();
  let nextId = 1;
  return {
    name: "inproc",
    async serve(router, { port, clock }: { port: number; clock: Clock }) {
      const id = port === 0 ? nextId++ : port;
      live.set(id, createInProcessTransport(router, { clock, ...(options.onUnexpectedError ? { onUnexpectedError: options.onUnexpectedError } : {}) }));
      return { port: id, close: async () => void live.delete(id) };
    },
    connect(port) {
      const transport: Transport = {
        call: (request) => {
          const target = live.get(port);
          return target ? target.call(request) : Promise.reject(new RpcError(Code.UNAVAILABLE, `no in-process server ${port}`));
        },
      };
      return { transport, close: async () => {} };
    },
  };
}
