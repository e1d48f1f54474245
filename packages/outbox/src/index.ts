export * from "./outbox.js";
export * from "./processed-events.js";
export * from "./expired-marker-pruner.js";
