/** Shared pieces of the gRPC transport tests: a served ConformanceService, and raw HTTP/2 calls. */
import http2 from "node:http2";
import { ConformanceDefinition } from "../../src/gen/lab/v1/conformance.js";
import type { ImplOf, Router } from "../../src/transports/router.js";
import { createClient, type ClientOf } from "../../src/transports/client.js";
import { createRouter } from "../../src/transports/router.js";
import { createGrpcServer, createGrpcTransport, type GrpcServer, type GrpcServerOptions, type GrpcTransport } from "../../src/transports/grpc/index.js";
import { systemClock } from "../../src/transports/system-clock.js";
import { ConformanceService } from "../conformance/conformance-service.js";

/** A gRPC server for a ConformanceService, a transport and a client on it. */
export interface GrpcFixture {
  readonly service: ConformanceService;
  readonly server: GrpcServer;
  readonly transport: GrpcTransport;
  readonly client: ClientOf<typeof ConformanceDefinition>;
  /** Errors the server handed to `onUnexpectedError`, with their paths. */
  readonly unexpected: { error: unknown; path: string }[];
  close(): Promise<void>;
}

/** Serves a fresh ConformanceService (optionally some methods overridden) on loopback port 0. */
export async function startGrpc(
  options: GrpcServerOptions = {},
  overrides: (service: ConformanceService) => Partial<ImplOf<typeof ConformanceDefinition>> = () => ({}),
): Promise<GrpcFixture> {
  const service = new ConformanceService(systemClock);
  const impl = { echo: service.echo.bind(service), fail: service.fail.bind(service), crash: service.crash.bind(service), sleep: service.sleep.bind(service), count: service.count.bind(service), ...overrides(service) };
  const router: Router = createRouter().service(ConformanceDefinition, impl);
  const unexpected: { error: unknown; path: string }[] = [];
  const server = await createGrpcServer(router, { onUnexpectedError: (error, path) => unexpected.push({ error, path }), ...options });
  const transport = createGrpcTransport({ address: server.address });
  return {
    service,
    server,
    transport,
    client: createClient(ConformanceDefinition, transport),
    unexpected,
    async close() {
      transport.close();
      await server.close();
    },
  };
}

/** One length-prefixed gRPC message frame: flag byte, 4-byte big-endian length, then `bytes` (which may be shorter). */
export function grpcFrame(bytes: Uint8Array, declaredLength = bytes.length, compressed = false): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(compressed ? 1 : 0, 0);
  header.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([header, bytes]);
}

/** A raw HTTP/2 gRPC call: the session (destroy it to vanish like a crashed client), the stream, and what came back. */
export interface RawCall {
  readonly session: http2.ClientHttp2Session;
  readonly stream: http2.ClientHttp2Stream;
  /** Data bytes received so far. */
  readonly received: () => number;
  /** The grpc-status and grpc-message, once the call ends (undefined status if it never came). */
  readonly status: Promise<{ code: number | undefined; message: string }>;
}

/** Sends `body` to `path` over a fresh HTTP/2 connection, as a gRPC client would but without any gRPC library. */
export function rawCall(address: string, path: string, body: Buffer, headers: http2.OutgoingHttpHeaders = {}): RawCall {
  const session = http2.connect(`http://${address}`);
  session.on("error", () => {});
  const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...headers });
  stream.on("error", () => {});
  let received = 0;
  let code: number | undefined;
  let message = "";
  const take = (h: http2.IncomingHttpHeaders) => {
    if (h["grpc-status"] !== undefined) {
      code = Number(h["grpc-status"]);
      message = decodeURIComponent(String(h["grpc-message"] ?? ""));
    }
  };
  stream.on("response", take);
  stream.on("trailers", take);
  stream.on("data", (chunk: Buffer) => (received += chunk.length));
  const status = new Promise<{ code: number | undefined; message: string }>((resolve) => stream.on("close", () => resolve({ code, message })));
  stream.end(body);
  return { session, stream, received: () => received, status };
}
