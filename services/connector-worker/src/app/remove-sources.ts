import type { SourcesRemoved } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import { discoveryCheckpointsCollection, type DiscoveryCheckpoint } from "./discovery-checkpoints.js";
import { indexedFilesCollection, type IndexedFileRecord } from "./indexed-files.js";
import { markSourceRemoved } from "./removed-sources.js";
import type { WorkerDeps } from "./worker-deps.js";

/**
 * A removed source takes its chunks and the worker's records of it along. The tombstone goes
 * first: a batch of the source that is being indexed right now sees it once its own writes are
 * done and deletes them, so chunks written after this clean-up cannot outlive the source.
 */
export async function removeSources(deps: WorkerDeps, event: SourcesRemoved): Promise<void> {
  for (const sourceId of event.sourceIds) {
    await markSourceRemoved(deps.store, event.projectId, sourceId);
    await deps.chunkIndex.delete(event.projectId, { sourceId });
    await deps.store.collection<IndexedFileRecord>(indexedFilesCollection).delete({ projectId: event.projectId, sourceId });
    await deps.store.collection<DiscoveryCheckpoint>(discoveryCheckpointsCollection).delete({ projectId: event.projectId, sourceId });
  }
}
