export * from "./lifecycle.js";
export * from "./service-recipe.js";
export * from "./start-service.js";
export * from "./process-signals.js";
export * from "./run-service-main.js";
