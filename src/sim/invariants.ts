/** Invariants 1-4 of the design, checked across the services' databases (see `./invariants/`). */
export * from "./invariants/index.js";
