import type { NetworkHost } from "./network-host.js";

/** The real transports a run can deploy the checkout on, by name. */
export const NETWORK_HOSTS: Readonly<Record<string, NetworkHost>> = {};
