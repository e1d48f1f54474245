import type { StoredDocument } from "@qamesh/ports";

/** A record as MongoDB holds it: the record plus an `_id` unique per (project, id). */
export type MongoRecord = StoredDocument & { _id: string };

/** Ids are unique within a project, so the key carries both, unambiguously. */
export const recordKey = (projectId: string, id: string): string => JSON.stringify([projectId, id]);

export function toStored(document: StoredDocument): MongoRecord {
  return { ...document, _id: recordKey(document.projectId, document.id) };
}

export function fromStored<T extends StoredDocument>(record: MongoRecord): T {
  const { _id: _key, ...document } = record;
  return document as unknown as T;
}
