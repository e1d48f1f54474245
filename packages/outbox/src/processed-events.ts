import type { BusEvent, DocumentIndex, DocumentStore, StoredDocument } from "@qamesh/ports";

interface ProcessedEvent extends StoredDocument {
  group: string;
  /** Day (YYYY-MM-DD) after which no redelivery can come: the marker may go. */
  expiresOn: string;
}

const markersCollection = "processed_events";
const dayMs = 86_400_000;
const day = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * How long a marker is kept. An event can only be redelivered while the bus still holds it
 * (7 days on both buses by default); a day more is kept for safety.
 */
export const markerRetentionDays = 8;

export const processedEventsIndexes: readonly DocumentIndex[] = [{ collection: markersCollection, fields: ["expiresOn"] }];

/**
 * Runs a consumer's store writes at most once per event id (or webhook delivery id): the marker
 * and the writes commit in one transaction, so a redelivered event finds its marker and changes
 * nothing. Two deliveries at once: one marker insert fails `already_exists`, undoing its writes.
 */
export async function applyOnce(
  store: DocumentStore,
  group: string,
  projectId: string,
  event: Pick<BusEvent, "id">,
  apply: (tx: DocumentStore) => Promise<void>,
  now: Date = new Date(),
): Promise<boolean> {
  return store.transaction(async (tx) => {
    const markers = tx.collection<ProcessedEvent>(markersCollection);
    const markerId = `${group}:${event.id}`;
    if (await markers.get(projectId, markerId)) return false;
    await apply(tx);
    await markers.insert({ id: markerId, projectId, group, expiresOn: day(now.getTime() + markerRetentionDays * dayMs) });
    return true;
  });
}

/**
 * Deletes the markers that expired on any of the `lookbackDays` days before `now` (a pruner
 * that was down for a while catches up); returns how many went.
 */
export async function pruneExpiredMarkers(store: DocumentStore, now: Date, lookbackDays = 366): Promise<number> {
  const markers = store.collection<ProcessedEvent>(markersCollection);
  let deleted = 0;
  for (let back = 1; back <= lookbackDays; back++) deleted += await markers.deleteAcrossProjects({ expiresOn: day(now.getTime() - back * dayMs) });
  return deleted;
}
