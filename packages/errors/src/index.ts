export * from "./error-code.js";
export * from "./app-error.js";
export * from "./grpc-status-table.js";
export * from "./http-status-table.js";
export * from "./dependency-call.js";
export * from "./parse-input.js";
