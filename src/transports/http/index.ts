/** The HTTP transport: a node:http server for the router (RPC and REST surfaces) and a client transport on undici (dispatch API). */
export { createHttpServer, type HttpServer, type HttpServerOptions } from "./server.js";
export { createHttpTransport, type HttpTransport, type HttpTransportOptions } from "./transport.js";
export { idParam, restRoute, type RestInput, type RestRoute, type RestRouteSpec, type RestRoutes, type RestVerb } from "./rest.js";
export { HTTP_STATUS_OF_CODE, type ErrorBody } from "./status.js";
export { DEADLINE_HEADER, METADATA_PREFIX, NDJSON_TYPE, SSE_TYPE } from "./wire.js";
