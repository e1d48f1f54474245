export * from "./topics.js";
export * from "./event-codec.js";
