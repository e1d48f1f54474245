import type { SourcesRemoved } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import { indexedFilesCollection, type IndexedFileRecord } from "./indexed-files.js";
import type { WorkerDeps } from "./worker-deps.js";

/** A removed source takes its chunks and the worker's records of it along. */
export async function removeSources(deps: WorkerDeps, event: SourcesRemoved): Promise<void> {
  for (const sourceId of event.sourceIds) {
    await deps.vectorIndex.delete(event.projectId, { sourceId });
    await deps.store.collection<IndexedFileRecord>(indexedFilesCollection).delete({ projectId: event.projectId, sourceId });
  }
}
