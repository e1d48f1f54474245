import { z } from "zod";
import type { Logger } from "@qamesh/logger";
import type { DocumentIndex, DocumentStore } from "@qamesh/ports";
import { MongoDocumentStore } from "@qamesh/store-mongo";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";

/** The document-store variables of a service that keeps records; `service` names its database. */
export const documentStoreConfigShape = (service: string) => ({
  /** When set, records live in MongoDB (any server speaking its protocol), else in SQLite. */
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, "must be a mongodb:// or mongodb+srv:// URI")
    .optional(),
  /** The service's own database on that server. */
  MONGODB_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, "must be 1-63 letters, digits, _ or -")
    .default(`qamesh_${service.replaceAll("-", "_")}`),
});

export interface DocumentStoreConfig {
  MONGODB_URI?: string | undefined;
  MONGODB_DATABASE: string;
}

export async function openDocumentStore(
  config: DocumentStoreConfig,
  sqliteFile: string,
  indexes: readonly DocumentIndex[],
  logger: Logger,
): Promise<DocumentStore> {
  if (!config.MONGODB_URI) return SqliteDocumentStore.open(sqliteFile, indexes);
  return MongoDocumentStore.connect({ uri: config.MONGODB_URI, database: config.MONGODB_DATABASE, indexes, logger });
}
