import type Database from "better-sqlite3";
import type { Collection, DocumentIndex, DocumentStore, StoredDocument } from "@qamesh/ports";
import { AsyncLock } from "@qamesh/concurrency";
import { openSqliteFile } from "./open-sqlite-file.js";
import { collectionTable, fieldExpression, SqliteCollection } from "./sqlite-collection.js";

/**
 * The embedded DocumentStore: one SQLite file per service. Every call runs under one lock;
 * a transaction holds the lock from BEGIN to COMMIT, and the store handed to its work runs
 * statements directly, so nothing from outside interleaves with it.
 */
export class SqliteDocumentStore implements DocumentStore {
  private readonly lock = new AsyncLock();
  private readonly collections = new Map<string, SqliteCollection<StoredDocument>>();
  private readonly inTransaction: DocumentStore;

  private constructor(private readonly db: Database.Database) {
    const direct = <R>(work: () => R) => Promise.resolve().then(work);
    this.inTransaction = {
      // Not cached: a table created inside a transaction that rolls back is gone again, and
      // CREATE TABLE IF NOT EXISTS on each use is what brings it back.
      collection: <T extends StoredDocument>(name: string) =>
        new SqliteCollection<StoredDocument>(db, name, direct) as unknown as Collection<T>,
      transaction: (work) => work(this.inTransaction),
      ping: async () => undefined,
      close: async () => undefined,
    };
  }

  /**
   * Opens (creating if needed) the store in `file`, with the service's indexes as expression
   * indexes on the fields queries name, so a lookup by a field reads its rows, not the table.
   */
  static open(file: string, indexes: readonly DocumentIndex[] = []): SqliteDocumentStore {
    const db = openSqliteFile(file);
    const store = new SqliteDocumentStore(db);
    for (const index of indexes) {
      store.collection(index.collection);
      createIndex(db, index);
    }
    return store;
  }

  collection<T extends StoredDocument>(name: string): Collection<T> {
    let collection = this.collections.get(name);
    if (!collection) {
      collection = new SqliteCollection<StoredDocument>(this.db, name, (work) => this.lock.run(work));
      this.collections.set(name, collection);
    }
    return collection as unknown as Collection<T>;
  }

  transaction<R>(work: (store: DocumentStore) => Promise<R>): Promise<R> {
    return this.lock.run(async () => {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(this.inTransaction);
        this.db.exec("COMMIT");
        return result;
      } catch (error) {
        this.db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  async ping(): Promise<void> {
    await this.lock.run(() => this.db.prepare("SELECT 1").get());
  }

  async close(): Promise<void> {
    await this.lock.run(() => this.db.close());
  }
}

function createIndex(db: Database.Database, index: DocumentIndex): void {
  const table = collectionTable(index.collection);
  const columns = index.fields.map((field) => (field === "projectId" ? "project_id" : field === "id" ? "id" : fieldExpression(field)));
  const name = `index_${index.collection}_${index.fields.join("_")}`;
  db.exec(`CREATE ${index.unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS "${name}" ON "${table}" (${columns.join(", ")})`);
}
