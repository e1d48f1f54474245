export * from "./custom-tool-definition.js";
export * from "./http-templates.js";
export * from "./tool-policies.js";
export * from "./canonical-json.js";
