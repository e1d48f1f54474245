export { MongoDocumentStore, type MongoDocumentStoreOptions } from "./mongo-document-store.js";
export { isMongoUnreachable } from "./mongo-failures.js";
