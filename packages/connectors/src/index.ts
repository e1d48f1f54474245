export * from "./registry.js";
export * from "./source-type.js";
export * from "./source-reader.js";
export { gitBlobHash } from "./git-blob-hash.js";
