export { SqliteDocumentStore } from "./sqlite-document-store.js";
export { openSqliteFile, retryWhileBusy } from "./open-sqlite-file.js";
