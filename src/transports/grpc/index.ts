/** The gRPC transport: a grpc-js server for a router, and a client transport to one. */
export { DEFAULT_MAX_MESSAGE_BYTES } from "./codec.js";
export { createGrpcServer, type GrpcServer, type GrpcServerOptions } from "./server.js";
export { createGrpcTransport, type GrpcTransport, type GrpcTransportOptions } from "./transport.js";
export { ServingStatus } from "./health.js";
