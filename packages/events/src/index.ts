export * from "./topics.js";
export * from "./event-codec.js";
export * from "./project-deletions.js";
