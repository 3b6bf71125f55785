import type { Clock } from "../core/clock.js";
import type { Transport } from "../transports/call.js";
import type { Router } from "../transports/router.js";

/** A running server of some real transport. */
export interface HostedServer {
  readonly port: number;
  /** Stops at once: calls in flight fail on the client side (a crash, as seen from outside). */
  close(): Promise<void>;
}

/** A client connection to one server. */
export interface HostedClient {
  readonly transport: Transport;
  close(): Promise<void>;
}

/** A real transport, as a deployment uses it: serve a router on a loopback port, connect to a port. */
export interface NetworkHost {
  readonly name: string;
  /** Serves `router` on 127.0.0.1, on `port` (0 picks a free one). */
  serve(router: Router, options: { readonly port: number; readonly clock: Clock }): Promise<HostedServer>;
  /** A client to the server on `port`. */
  connect(port: number, options: { readonly clock: Clock }): HostedClient;
}
