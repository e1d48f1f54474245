import type { BusEvent, DocumentStore, StoredDocument } from "@qamesh/ports";

interface ProcessedEvent extends StoredDocument {
  group: string;
}

/**
 * Runs a consumer's store writes at most once per event id: the marker and the writes
 * commit in one transaction, so a redelivered event finds its marker and changes nothing.
 */
export async function applyOnce(
  store: DocumentStore,
  group: string,
  projectId: string,
  event: BusEvent,
  apply: (tx: DocumentStore) => Promise<void>,
): Promise<boolean> {
  return store.transaction(async (tx) => {
    const markers = tx.collection<ProcessedEvent>("processed_events");
    const markerId = `${group}:${event.id}`;
    if (await markers.get(projectId, markerId)) return false;
    await apply(tx);
    await markers.insert({ id: markerId, projectId, group });
    return true;
  });
}
