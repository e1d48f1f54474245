export * from "./acting-as.js";
export * from "./assertion-signer.js";
export * from "./mesh-keys.js";
export * from "./principal-assertions.js";
export * from "./principal-guard.js";
