export * from "./call-context.js";
export * from "./service-types.js";
export * from "./grpc-service-definition.js";
export * from "./grpc-error.js";
export * from "./grpc-server.js";
export * from "./grpc-client.js";
export * from "./health-registry.js";
export * from "./process-lifecycle.js";
