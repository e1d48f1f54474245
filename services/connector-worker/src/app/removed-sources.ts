import type { DocumentIndex, DocumentStore, StoredDocument } from "@qamesh/ports";

/**
 * A source that was removed. Work for it can still be on the bus (batches of a run that was
 * under way), so workers keep a tombstone and check it around every write: nothing indexed
 * for a removed source survives, whatever order the events arrive in.
 */
export interface RemovedSourceRecord extends StoredDocument {
  removedAt: string;
}

export const removedSourcesCollection = "removed_sources";

export const removedSourcesIndexes: readonly DocumentIndex[] = [{ collection: removedSourcesCollection, fields: ["projectId"] }];

export async function markSourceRemoved(store: DocumentStore, projectId: string, sourceId: string): Promise<void> {
  await store.collection<RemovedSourceRecord>(removedSourcesCollection).put({ id: sourceId, projectId, removedAt: new Date().toISOString() });
}

export async function isSourceRemoved(store: DocumentStore, projectId: string, sourceId: string): Promise<boolean> {
  return (await store.collection<RemovedSourceRecord>(removedSourcesCollection).get(projectId, sourceId)) !== undefined;
}

/** What a run reports for files it could not index because their source is gone. */
export const sourceRemovedReason = "the source was removed while the run was under way";
