export * from "./call-approvals-client.js";
export * from "./completion-wire.js";
export * from "./project-models-client.js";
export * from "./project-tools-client.js";
export * from "./project-sources-client.js";
