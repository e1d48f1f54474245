import { randomUUID } from "node:crypto";
import { MongoClient, type Db } from "mongodb";
import { AsyncLock } from "@qamesh/concurrency";
import type { Logger } from "@qamesh/logger";
import { alreadyExists } from "@qamesh/errors";
import type { Collection, DocumentIndex, DocumentStore, StoredDocument } from "@qamesh/ports";
import { isDuplicateKey, MongoCollection } from "./mongo-collection.js";
import { mongoCall } from "./mongo-failures.js";
import { StagedWrites, type StagedWrite } from "./staged-writes.js";
import { toStored, type MongoRecord } from "./stored-form.js";
import { TransactionalCollection } from "./transactional-collection.js";

export interface MongoDocumentStoreOptions {
  uri: string;
  /** One database per service: services never read each other's records. */
  database: string;
  /** Created at start-up; unique ones are what idempotency relies on. */
  indexes?: readonly DocumentIndex[];
  /** How long a call waits for a reachable server before failing as unavailable. */
  serverSelectionTimeoutMs?: number;
  /**
   * A committed transaction still pending after this long belongs to a process that died
   * mid-commit (a live one applies in milliseconds); any store finishes it. Default 60 s.
   */
  pendingTransactionStaleAfterMs?: number;
  /** How often a store looks for such transactions. Default 30 s. */
  recoveryIntervalMs?: number;
  /** Where a background recovery round that failed is reported (it is retried next round). */
  logger?: Logger;
}

/** A committed transaction whose writes may not all be applied yet. */
interface PendingTransaction {
  _id: string;
  /** Also the write time its records carry. */
  committedAt: number;
  writes: StagedWrite[];
}

const pendingTransactionsCollection = "_pending_transactions";

/**
 * The DocumentStore on MongoDB (or a server speaking its protocol, such as FerretDB).
 *
 * Transactions do not use MongoDB's multi-document transactions: those need a replica set,
 * and FerretDB has none. Instead a transaction stages its writes and commits them by inserting
 * ONE document listing them all into `_pending_transactions` (a single-document write is
 * atomic), then applies them and deletes that document. A process that dies in between leaves
 * the list behind, and the stores of the other processes (or its own, restarted) apply it once
 * it is stale: every write of a committed transaction lands, and nothing of an uncommitted one
 * does. A replay skips records written after the commit, so it never brings back an older
 * version. Inserts are applied first, so a duplicate id aborts before anything else is written.
 * What this does not give is isolation: another process may read a transaction half-applied.
 */
export class MongoDocumentStore implements DocumentStore {
  private readonly lock = new AsyncLock();
  private readonly collections = new Map<string, MongoCollection<StoredDocument>>();
  private recoveryTimer: NodeJS.Timeout | undefined;
  private recovering: Promise<void> | undefined;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly staleAfterMs: number,
    private readonly logger: Logger | undefined,
  ) {}

  static async connect(options: MongoDocumentStoreOptions): Promise<MongoDocumentStore> {
    const client = new MongoClient(options.uri, { ignoreUndefined: true, serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000 });
    await client.connect();
    const store = new MongoDocumentStore(client, client.db(options.database), options.pendingTransactionStaleAfterMs ?? 60_000, options.logger);
    try {
      await store.createIndexes(options.indexes ?? []);
      await store.applyPendingTransactions();
    } catch (error) {
      await client.close();
      throw error;
    }
    store.recoveryTimer = setInterval(() => store.recoverInBackground(), options.recoveryIntervalMs ?? 30_000);
    store.recoveryTimer.unref();
    return store;
  }

  collection<T extends StoredDocument>(name: string): Collection<T> {
    return this.direct<T>(name);
  }

  transaction<R>(work: (store: DocumentStore) => Promise<R>): Promise<R> {
    // Transactions of one process run one at a time, as they do on the embedded store.
    return this.lock.run(async () => {
      const staged = new StagedWrites();
      const inTransaction: DocumentStore = {
        collection: <T extends StoredDocument>(name: string) => new TransactionalCollection<T>(name, this.direct<T>(name), staged),
        transaction: (nested) => nested(inTransaction),
        ping: () => this.ping(),
        close: async () => undefined,
      };
      const result = await work(inTransaction);
      await mongoCall(() => this.commit(staged.all()));
      return result;
    });
  }

  async ping(): Promise<void> {
    await mongoCall(() => this.db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    clearInterval(this.recoveryTimer);
    await this.recovering;
    await this.lock.run(() => this.client.close());
  }

  private direct<T extends StoredDocument>(name: string): MongoCollection<T> {
    let collection = this.collections.get(name);
    if (!collection) {
      collection = new MongoCollection<StoredDocument>(this.db.collection<MongoRecord>(name));
      this.collections.set(name, collection);
    }
    return collection as unknown as MongoCollection<T>;
  }

  private async createIndexes(indexes: readonly DocumentIndex[]): Promise<void> {
    const collections = new Set(indexes.map((index) => index.collection));
    for (const name of collections) await this.db.collection(name).createIndex({ projectId: 1 });
    for (const index of indexes) {
      const keys = Object.fromEntries(index.fields.map((field) => [field, 1 as const]));
      await this.db.collection(index.collection).createIndex(keys, { unique: index.unique ?? false });
    }
  }

  private async commit(writes: StagedWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const committedAt = Date.now();
    if (writes.length === 1) return this.applyInserts(writes, committedAt);
    const pending = this.db.collection<PendingTransaction>(pendingTransactionsCollection);
    const id = randomUUID();
    await pending.insertOne({ _id: id, committedAt, writes });
    try {
      await this.applyInserts(writes.filter((write) => write.insert), committedAt);
    } catch (error) {
      await pending.deleteOne({ _id: id });
      throw error;
    }
    await this.applyReplacements(writes.filter((write) => !write.insert), committedAt);
    await pending.deleteOne({ _id: id });
  }

  /** Inserts, undoing the ones already made when an id turns out to be taken. */
  private async applyInserts(writes: StagedWrite[], committedAt: number): Promise<void> {
    const done: StagedWrite[] = [];
    for (const write of writes) {
      if (!write.insert) {
        await this.applyReplacements([write], committedAt);
        continue;
      }
      try {
        await this.db.collection<MongoRecord>(write.collection).insertOne(toStored(write.document!, committedAt));
        done.push(write);
      } catch (error) {
        for (const inserted of done) await this.db.collection<MongoRecord>(inserted.collection).deleteOne({ _id: inserted.key });
        if (isDuplicateKey(error)) throw alreadyExists(`${write.document!.id} already exists`);
        throw error;
      }
    }
  }

  private async applyReplacements(writes: StagedWrite[], committedAt: number): Promise<void> {
    for (const write of writes) {
      const records = this.db.collection<MongoRecord>(write.collection);
      if (write.document === null) await records.deleteOne({ _id: write.key });
      else await records.replaceOne({ _id: write.key }, toStored(write.document, committedAt), { upsert: true });
    }
  }

  /**
   * Finishes transactions whose process died between commit and apply. Each write lands only
   * where the record is absent or older than the commit: a newer version stays.
   */
  private async applyPendingTransactions(): Promise<void> {
    const pending = this.db.collection<PendingTransaction>(pendingTransactionsCollection);
    const stale = { committedAt: { $lte: Date.now() - this.staleAfterMs } };
    for (const transaction of await pending.find(stale).sort({ committedAt: 1 }).toArray()) {
      for (const write of transaction.writes) await this.replay(write, transaction.committedAt);
      await pending.deleteOne({ _id: transaction._id });
    }
  }

  private async replay(write: StagedWrite, committedAt: number): Promise<void> {
    const records = this.db.collection<MongoRecord>(write.collection);
    const olderThanCommit = { _id: write.key, $or: [{ _writtenAt: { $lt: committedAt } }, { _writtenAt: { $exists: false } }] };
    if (write.document === null) {
      await records.deleteOne(olderThanCommit);
      return;
    }
    try {
      await records.replaceOne(olderThanCommit, toStored(write.document, committedAt), { upsert: true });
    } catch (error) {
      // The upsert found no older record to replace but the id exists: a newer version (or
      // this very write, already applied). Either way it stays.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  private recoverInBackground(): void {
    this.recovering ??= mongoCall(() => this.applyPendingTransactions())
      .catch((error: unknown) => this.logger?.warn({ err: error }, "could not finish pending MongoDB transactions; will try again"))
      .finally(() => {
        this.recovering = undefined;
      });
  }
}
