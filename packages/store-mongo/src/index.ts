export { MongoDocumentStore, type MongoDocumentStoreOptions } from "./mongo-document-store.js";
