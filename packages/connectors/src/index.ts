export * from "./registry.js";
export * from "./source-type.js";
export * from "./source-reader.js";
export { gitBlobHash } from "./git-blob-hash.js";
export type { WebhookDelivery, WebhookOutcome } from "./webhooks/webhook-delivery.js";
export { planListing, nextCursor, type ListingPlan } from "./listing-cursor.js";
