import type { StoredDocument } from "@qamesh/ports";

/**
 * A record as MongoDB holds it: the record, an `_id` unique per (project, id), and when it was
 * written, so replaying an old transaction never overwrites a newer version.
 */
export type MongoRecord = StoredDocument & { _id: string; _writtenAt: number };

/** Ids are unique within a project, so the key carries both, unambiguously. */
export const recordKey = (projectId: string, id: string): string => JSON.stringify([projectId, id]);

export function toStored(document: StoredDocument, writtenAt: number = Date.now()): MongoRecord {
  return { ...document, _id: recordKey(document.projectId, document.id), _writtenAt: writtenAt };
}

export function fromStored<T extends StoredDocument>(record: MongoRecord): T {
  const { _id: _key, _writtenAt: _time, ...document } = record;
  return document as unknown as T;
}
