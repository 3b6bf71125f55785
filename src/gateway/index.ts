/** Gateway P: the web page and HTTP routes in front of the checkout and the seed lab services. */
export { BACKEND_TRANSPORTS, LAB_DEFINITIONS, startBackends, type BackendName, type BackendOptions, type Backends, type BackendTransport, type LabName } from "./backends.js";
export { createGateway, type Gateway, type GatewayOptions } from "./gateway.js";
export type { Cliente } from "./checkout-routes.js";
