export * from "./parse-config.js";
export * from "./config-fields.js";
export * from "./free-port.js";
