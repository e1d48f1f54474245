export * from "./allowed-roots.js";
export * from "./contained-file.js";
export * from "./local-git-repository.js";
export * from "./git-url-credentials.js";
export * from "./outbound-policy.js";
export * from "./outbound-config.js";
export * from "./outbound-fetch.js";
export * from "./guarded-http.js";
