export * from "./permission-table.js";
export * from "./principal.js";
export * from "./authorize.js";
