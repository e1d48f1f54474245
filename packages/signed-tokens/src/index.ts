export * from "./signed-tokens.js";
export * from "./signing-keys-file.js";
