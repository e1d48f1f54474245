import type { ListingPlan } from "@qamesh/connectors";
import type { DocumentIndex, StoredDocument } from "@qamesh/ports";
import type { IngestionItem_Action } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";

/** One piece of a run's work: a file or document to index, or one whose chunks go. */
export interface WorkItem {
  action: IngestionItem_Action;
  path: string;
  contentHash: string;
  document: boolean;
}

/**
 * How far the discovery of one source in one run got, so that a worker that dies while listing
 * a large source continues where it stopped instead of listing it all again. Batches are
 * recorded here before they are published (an outbox): a worker that dies in between publishes
 * the same batches, under the same ids, when it resumes.
 */
export interface DiscoveryCheckpoint extends StoredDocument {
  runId: string;
  sourceId: string;
  /** The discovery finished and its `discovered` event is out; a redelivered request does nothing. */
  done: boolean;
  commit: string;
  /** Whether the code's work came from a diff against the indexed commit. */
  diffed: boolean;
  /** The listing of documents, when the source has them (the code's work is already counted and batched). */
  listing?: {
    plan: ListingPlan;
    /** From the last page handled; absent before the first. */
    resumeFrom?: string;
    /** Newest update seen: the next run's cursor starts from it. */
    newest: string;
    /** Every document listed so far, with the version listed (for pruning, and a page repeated on resume). */
    listed: [path: string, version: string][];
  };
  discovered: number;
  unchanged: number;
  skipped: number;
  /** Batches numbered so far, published or about to be. */
  batchCount: number;
  /** Numbered but perhaps not yet published. */
  unpublished: { batchIndex: number; items: WorkItem[] }[];
  /** Work not yet filling a batch. */
  pending: WorkItem[];
}

export const discoveryCheckpointsCollection = "discovery_checkpoints";

export const discoveryCheckpointIndexes: readonly DocumentIndex[] = [{ collection: discoveryCheckpointsCollection, fields: ["projectId", "sourceId"] }];

export const discoveryCheckpointId = (runId: string, sourceId: string) => `${runId}:${sourceId}`;
