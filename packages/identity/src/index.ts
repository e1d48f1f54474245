export * from "./password-hasher.js";
export * from "./access-tokens.js";
export * from "./identity-records.js";
export * from "./refresh-tokens.js";
export * from "./api-keys.js";
export * from "./users.js";
export * from "./memberships.js";
export * from "./ldap-directory.js";
