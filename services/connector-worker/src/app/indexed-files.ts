import type { DocumentIndex, StoredDocument } from "@qamesh/ports";
import { createHash } from "node:crypto";

/** What the worker last indexed for a file; incremental runs compare against it. */
export interface IndexedFileRecord extends StoredDocument {
  sourceId: string;
  path: string;
  /** For a ticket or page: its version. */
  contentHash: string;
  chunkCount: number;
  /** A ticket, pull request or page (its key as the path), not a file. */
  document?: boolean;
}

export const indexedFilesCollection = "indexed_files";

export const connectorWorkerIndexes: readonly DocumentIndex[] = [
  { collection: indexedFilesCollection, fields: ["projectId", "sourceId"] },
];

export function indexedFileId(sourceId: string, path: string): string {
  return createHash("sha256").update(`${sourceId}\0${path}`).digest("hex").slice(0, 32);
}

/** Stable chunk id: the same file position always maps to the same id, so retries overwrite. */
export function chunkId(projectId: string, sourceId: string, path: string, index: number): string {
  return createHash("sha256").update(`${projectId}\0${sourceId}\0${path}\0${index}`).digest("hex").slice(0, 32);
}
