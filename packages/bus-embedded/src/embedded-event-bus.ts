import type Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@qamesh/logger";
import {
  deadLetterHeaders,
  deadLetterTopic,
  type BusEvent,
  type EventBus,
  type PublishInput,
  type SubscribeOptions,
  type Subscription,
} from "@qamesh/ports";
import { openSqliteFile, retryWhileBusy } from "@qamesh/store-sqlite";
import { partitionForKey } from "./partition-for-key.js";

export interface EmbeddedEventBusOptions {
  file: string;
  logger: Logger;
  /** Events of one key share a partition; partitions of a topic are consumed concurrently. */
  partitions?: number;
  /** How often an idle consumer looks for events published by another process. */
  pollIntervalMs?: number;
  /** Backoff before a failed event is tried again, doubled each attempt. */
  retryBackoffMs?: number;
  /** Attempts when a subscription names none. Default 5. */
  defaultMaxAttempts?: number;
  /** How long events are kept, consumed or not (Kafka's retention.ms). Default 7 days. */
  retentionMs?: number;
  clock?: () => Date;
}

interface EventRow {
  seq: number;
  id: string;
  topic: string;
  key: string;
  payload: Buffer;
  headers: string;
}

/**
 * The embedded event bus: a durable log in a SQLite file with Kafka's semantics where they
 * matter. Topics are split into partitions by key, each consumer group keeps a committed
 * offset per partition, and an offset is committed only after the handler returned, so a
 * crash mid-event redelivers it on restart (at-least-once). A group has one consumer per
 * process: this bus serves a single machine.
 */
export class EmbeddedEventBus implements EventBus {
  private readonly db: Database.Database;
  private readonly partitions: number;
  private readonly pollIntervalMs: number;
  private readonly retryBackoffMs: number;
  private readonly published = new EventEmitter();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly pruneTimer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: EmbeddedEventBusOptions) {
    // Other processes of the machine (services started on their own) share the log file.
    this.db = openSqliteFile(options.file);
    retryWhileBusy(() => this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        topic TEXT NOT NULL,
        partition INTEGER NOT NULL,
        key TEXT NOT NULL,
        payload BLOB NOT NULL,
        headers TEXT NOT NULL,
        published_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS events_by_partition ON events (topic, partition, seq);
      CREATE TABLE IF NOT EXISTS consumer_offsets (
        group_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        partition INTEGER NOT NULL,
        next_seq INTEGER NOT NULL,
        PRIMARY KEY (group_id, topic, partition)
      );
    `));
    this.partitions = options.partitions ?? 4;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.retryBackoffMs = options.retryBackoffMs ?? 100;
    this.published.setMaxListeners(0);
    this.pruneTimer = setInterval(() => this.prune(), 10 * 60_000).unref();
  }

  /** Drops events past the retention period, so the log does not grow without bound. */
  prune(): number {
    const retentionMs = this.options.retentionMs ?? 7 * 24 * 3600_000;
    const cutoff = new Date(this.now().getTime() - retentionMs).toISOString();
    return this.db.prepare("DELETE FROM events WHERE published_at < ?").run(cutoff).changes;
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  async publish(events: readonly PublishInput[]): Promise<void> {
    this.assertOpen();
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO events (id, topic, partition, key, payload, headers, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const now = this.now().toISOString();
    // INSERT OR IGNORE on the id makes re-publishing an event (an outbox retry) harmless.
    this.db.transaction(() => {
      for (const event of events) {
        insert.run(
          event.id ?? randomUUID(),
          event.topic,
          partitionForKey(event.key, this.partitions),
          event.key,
          Buffer.from(event.payload),
          JSON.stringify(event.headers ?? {}),
          now,
        );
      }
    })();
    for (const topic of new Set(events.map((event) => event.topic))) this.published.emit(topic);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const name = `${options.group}/${options.topic}`;
    if (this.subscriptions.has(name)) {
      throw new Error(`group ${options.group} already consumes ${options.topic} in this process`);
    }
    const controller = new AbortController();
    const loops = Array.from({ length: this.partitions }, (_, partition) =>
      this.consumePartition(options, partition, controller.signal),
    );
    const subscription: Subscription = {
      stop: async () => {
        controller.abort();
        this.published.emit(options.topic);
        await Promise.all(loops);
        this.subscriptions.delete(name);
      },
    };
    this.subscriptions.set(name, subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.db.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions.values()].map((subscription) => subscription.stop()));
    this.closed = true;
    clearInterval(this.pruneTimer);
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("event bus is closed");
  }

  private async consumePartition(options: SubscribeOptions, partition: number, signal: AbortSignal): Promise<void> {
    const readOffset = this.db.prepare(
      `SELECT next_seq FROM consumer_offsets WHERE group_id = ? AND topic = ? AND partition = ?`,
    );
    const commitOffset = this.db.prepare(
      `INSERT INTO consumer_offsets (group_id, topic, partition, next_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_seq = excluded.next_seq`,
    );
    const fetch = this.db.prepare(
      `SELECT seq, id, topic, key, payload, headers FROM events WHERE topic = ? AND partition = ? AND seq >= ? ORDER BY seq LIMIT 100`,
    );
    while (!signal.aborted) {
      const offset = (readOffset.get(options.group, options.topic, partition) as { next_seq: number } | undefined)?.next_seq ?? 0;
      const rows = fetch.all(options.topic, partition, offset) as EventRow[];
      if (rows.length === 0) {
        await this.waitForEvents(options.topic, signal);
        continue;
      }
      for (const row of rows) {
        if (signal.aborted) return;
        await this.deliver(options, toBusEvent(row));
        commitOffset.run(options.group, options.topic, partition, row.seq + 1);
      }
    }
  }

  /** Tries the handler up to maxAttempts times, then dead-letters the event so the partition moves on. */
  private async deliver(options: SubscribeOptions, event: BusEvent): Promise<void> {
    const maxAttempts = options.maxAttempts ?? this.options.defaultMaxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await options.handler(event);
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= maxAttempts) {
          this.options.logger.error(
            { topic: event.topic, eventId: event.id, group: options.group, attempts: attempt, err: error },
            "event handler failed on every attempt; dead-lettering the event",
          );
          await this.publish([
            {
              id: `${event.id}:${options.group}:dead-letter`,
              topic: deadLetterTopic(event.topic),
              key: event.key,
              payload: event.payload,
              headers: { ...event.headers, [deadLetterHeaders.error]: message, [deadLetterHeaders.attempts]: String(attempt) },
            },
          ]);
          return;
        }
        this.options.logger.warn({ topic: event.topic, eventId: event.id, attempt, err: error }, "event handler failed; retrying");
        await sleep(this.retryBackoffMs * 2 ** (attempt - 1));
      }
    }
  }

  private waitForEvents(topic: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.published.off(topic, done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.published.on(topic, done);
      signal.addEventListener("abort", done);
    });
  }
}

function toBusEvent(row: EventRow): BusEvent {
  return {
    id: row.id,
    topic: row.topic,
    key: row.key,
    payload: new Uint8Array(row.payload),
    headers: JSON.parse(row.headers) as Record<string, string>,
  };
}
