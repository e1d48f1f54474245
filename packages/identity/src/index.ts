export * from "./password-hasher.js";
export * from "./signed-tokens.js";
export * from "./identity-records.js";
export * from "./refresh-tokens.js";
export * from "./api-keys.js";
export * from "./users.js";
export * from "./signing-keys-file.js";
export * from "./memberships.js";
