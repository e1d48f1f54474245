export { SqliteDocumentStore } from "./sqlite-document-store.js";
