export { rootPasswordFile, startStandalone, type RunningStandalone } from "./start-standalone.js";
export { standaloneConfigSchema, type StandaloneConfig } from "./config.js";
export { ephemeralStandaloneEnvironment } from "./ephemeral-config.js";
