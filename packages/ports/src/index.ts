export * from "./event-bus.js";
export * from "./document-store.js";
export * from "./vector-index.js";
export * from "./embedder.js";
export * from "./llm.js";
export * from "./project-models.js";
export * from "./retrieval.js";
export * from "./rate-limiter.js";
