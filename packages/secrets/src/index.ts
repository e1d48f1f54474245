export * from "./secret-box.js";
export * from "./encryption-keys.js";
export * from "./secrets-config.js";
