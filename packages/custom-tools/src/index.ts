export * from "./custom-tool-definition.js";
export * from "./http-templates.js";
