import type { Logger } from "@qamesh/logger";
import type { DocumentStore, EventBus, ProjectModels, ChunkIndex } from "@qamesh/ports";
import type { ReaderSettings } from "../sources/reader-for-spec.js";
import type { RetryPolicy } from "./retrying.js";
import type { FileChunker } from "../chunking/file-chunker.js";

export interface WorkerDeps {
  bus: EventBus;
  /** The worker's own records: what it indexed, per file. */
  store: DocumentStore;
  chunkIndex: ChunkIndex;
  /** Cuts files into chunks by their syntax. */
  chunker: FileChunker;
  /** Embeds chunks with the project's embedding model. */
  models: ProjectModels;
  logger: Logger;
  readers: ReaderSettings;
  /** Files per `ingestion.batch` event. */
  batchSize: number;
  /** How hard to try the embedding model and the index before failing a batch's files. */
  retry: RetryPolicy;
}
