import type { DocumentIndex, DocumentStore, EventBus, PublishInput, StoredDocument } from "@qamesh/ports";
import type { Logger } from "@qamesh/logger";
import { randomUUID } from "node:crypto";

interface OutboxRecord extends StoredDocument {
  /** Publish order: records are relayed oldest first. */
  sequence: number;
  topic: string;
  key: string;
  payloadBase64: string;
  headers: Record<string, string>;
}

const collectionName = "outbox";

/** The relay reads the outbox in sequence order. */
export const outboxIndexes: readonly DocumentIndex[] = [{ collection: collectionName, fields: ["sequence"] }];
let lastSequence = 0;

/** A strictly increasing number, so records written in one millisecond keep their order. */
function nextSequence(): number {
  lastSequence = Math.max(lastSequence + 1, Date.now() * 1000);
  return lastSequence;
}

/**
 * Writes an event into the outbox inside the caller's transaction: it becomes visible to the
 * relay only when the state it describes has committed.
 */
export async function addToOutbox(tx: DocumentStore, projectId: string, event: PublishInput & { id: string }): Promise<void> {
  await tx.collection<OutboxRecord>(collectionName).insert({
    id: event.id,
    projectId,
    sequence: nextSequence(),
    topic: event.topic,
    key: event.key,
    payloadBase64: Buffer.from(event.payload).toString("base64"),
    headers: event.headers ?? {},
  });
}

export function newEventId(): string {
  return randomUUID();
}

/**
 * Moves committed outbox records to the bus, oldest first, deleting each after the bus has
 * it. A crash between publish and delete publishes again with the same event id, which
 * consumers deduplicate.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: { store: DocumentStore; bus: EventBus; logger: Logger; intervalMs?: number },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.deps.intervalMs ?? 500);
    this.kick();
  }

  /** Relay now (called after a commit so events leave without waiting for the next tick). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, "outbox relay could not publish; will retry"))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    const outbox = this.deps.store.collection<OutboxRecord>(collectionName);
    for (;;) {
      const records = await outbox.findAcrossProjects({}, { sort: { field: "sequence", direction: "asc" }, limit: 100 });
      if (records.length === 0) return;
      await this.deps.bus.publish(
        records.map((record) => ({
          id: record.id,
          topic: record.topic,
          key: record.key,
          payload: Buffer.from(record.payloadBase64, "base64"),
          headers: record.headers,
        })),
      );
      for (const record of records) await outbox.delete({ projectId: record.projectId, id: record.id });
    }
  }
}
