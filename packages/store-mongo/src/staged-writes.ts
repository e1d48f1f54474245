import type { StoredDocument } from "@qamesh/ports";

/** What a transaction will do to one record: write it (`insert` must not exist yet) or delete it. */
export interface StagedWrite {
  collection: string;
  key: string;
  /** The new record, or null for a delete. */
  document: StoredDocument | null;
  insert: boolean;
}

/** A transaction's writes, the last one per record winning, in the order they were made. */
export class StagedWrites {
  private readonly writes = new Map<string, StagedWrite>();

  stage(write: StagedWrite): void {
    const id = `${write.collection}\u0000${write.key}`;
    const earlier = this.writes.get(id);
    // A record inserted and then replaced in one transaction is still an insert.
    const insert = write.insert || (earlier?.insert === true && write.document !== null);
    this.writes.delete(id);
    this.writes.set(id, { ...write, insert });
  }

  /** The staged state of a record: undefined when the transaction did not touch it. */
  lookup(collection: string, key: string): StagedWrite | undefined {
    return this.writes.get(`${collection}\u0000${key}`);
  }

  inCollection(collection: string): StagedWrite[] {
    return [...this.writes.values()].filter((write) => write.collection === collection);
  }

  all(): StagedWrite[] {
    return [...this.writes.values()];
  }
}
