export * from "./call.js";
export * from "./client.js";
export * from "./codes.js";
export * from "./definition.js";
export * from "./router.js";
export * from "./rpc-error.js";
export { createInProcessTransport, type InProcessOptions } from "./inproc/index.js";
