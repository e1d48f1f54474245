import type { ServiceClient } from "@qamesh/grpc";
import type { Logger } from "@qamesh/logger";
import type { DocumentStore, EventBus, VectorIndex } from "@qamesh/ports";
import type { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import type { ReaderSettings } from "../sources/reader-for-spec.js";
import type { RetryPolicy } from "./retrying.js";

export interface WorkerDeps {
  bus: EventBus;
  /** The worker's own records: what it indexed, per file. */
  store: DocumentStore;
  vectorIndex: VectorIndex;
  llmProfiles: ServiceClient<typeof LlmProfilesService>;
  logger: Logger;
  readers: ReaderSettings;
  /** Files per `ingestion.batch` event. */
  batchSize: number;
  /** How hard to try the embedding model and the index before failing a batch's files. */
  retry: RetryPolicy;
}
