export * from "./event-bus-from-config.js";
export * from "./document-store-from-config.js";
export * from "./chunk-index-from-config.js";
export * from "./adapter-pool.js";
export * from "./rate-limiter-from-config.js";
