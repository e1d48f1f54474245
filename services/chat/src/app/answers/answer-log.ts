import type { Collection, DocumentStore } from "@qamesh/ports";
import type { AnswerEvent, NumberedEvent } from "./answer-events.js";
import { collections, type EventBatchRecord, type MessageRecord } from "../sessions/chat-records.js";

/** The answer a log entry belongs to: its project, its message and the chat's owner, carried by every record. */
export type AnswerOwner = Pick<MessageRecord, "projectId" | "id" | "ownerId">;

/** Where a reader of an answer's log stands: the last event it has, and the batch that held it. */
export interface LogCursor {
  seq: number;
  batch?: { value: number; id: string };
}

/**
 * The persisted, numbered events of every answer, in batches of consecutive events (a fast
 * model's tokens would otherwise be one write each); a batch's id is its answer and first
 * number, so two writers of the same numbers cannot both succeed.
 */
export class AnswerLog {
  private readonly batches: Collection<EventBatchRecord>;

  constructor(store: DocumentStore) {
    this.batches = store.collection<EventBatchRecord>(collections.eventBatches);
  }

  /** Events after the cursor, in order, and the cursor after them. */
  async read(projectId: string, messageId: string, cursor: LogCursor): Promise<{ events: NumberedEvent[]; cursor: LogCursor }> {
    const found = await this.batches.find({ projectId, messageId }, { sort: { field: "firstSeq", direction: "asc" }, ...(cursor.batch ? { after: cursor.batch } : {}) });
    // Batches never change once written, so the next read starts after the last one read.
    const events = found.flatMap((batch) => batch.events).filter((numbered) => numbered.seq > cursor.seq);
    const last = found.at(-1);
    return { events, cursor: { seq: events.at(-1)?.seq ?? cursor.seq, ...(last ? { batch: { value: last.firstSeq, id: last.id } } : cursor.batch ? { batch: cursor.batch } : {}) } };
  }

  /** The number of the answer's last persisted event (0 when it has none). */
  async lastSeq(projectId: string, messageId: string): Promise<number> {
    const [last] = await this.batches.find({ projectId, messageId }, { sort: { field: "firstSeq", direction: "desc" }, limit: 1 });
    return last?.events.at(-1)?.seq ?? 0;
  }

  /** Appends one event after `afterSeq` at once (a replica failing an abandoned answer); fails with already_exists if someone else wrote that number. */
  async appendOne(answer: AnswerOwner, afterSeq: number, event: AnswerEvent): Promise<NumberedEvent> {
    const numbered = { seq: afterSeq + 1, event };
    await this.batches.insert(batchRecord(answer, [numbered]));
    return numbered;
  }

  /** Writes an answer's events numbered after `afterSeq`; `persisted` gets each batch once it is stored. */
  writer(answer: AnswerOwner, afterSeq: number, persisted: (events: NumberedEvent[]) => void): AnswerLogWriter {
    return new AnswerLogWriter(this.batches, answer, afterSeq, persisted);
  }

  async deleteAnswer(projectId: string, messageId: string): Promise<void> {
    await this.batches.delete({ projectId, messageId });
  }
}

/**
 * Numbers one answer's events as they happen and persists them: one write at a time, each
 * taking every event appended while the previous one was in flight (a group commit: an idle
 * answer writes each event at once, a fast one batches). An event is handed on (`persisted`)
 * only once it is stored, so no client ever sees an event number the log could give to another.
 */
export class AnswerLogWriter {
  private pending: NumberedEvent[] = [];
  private writing: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly batches: Collection<EventBatchRecord>,
    private readonly answer: AnswerOwner,
    private seq: number,
    private readonly persisted: (events: NumberedEvent[]) => void,
  ) {}

  /** Numbers the event and queues it for writing. Throws once a write has failed. */
  append(event: AnswerEvent): NumberedEvent {
    if (this.failure) throw this.failure;
    const numbered = { seq: ++this.seq, event };
    this.pending.push(numbered);
    this.writing ??= this.writeAll();
    return numbered;
  }

  /** Resolves once everything appended so far is stored; rejects if a write failed. */
  async flush(): Promise<void> {
    await this.writing;
    if (this.failure) throw this.failure;
  }

  private async writeAll(): Promise<void> {
    // Events appended in the same tick go together.
    await Promise.resolve();
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        await this.batches.insert(batchRecord(this.answer, batch));
        this.persisted(batch);
      }
    } catch (error) {
      this.failure = error;
    } finally {
      this.writing = undefined;
    }
  }
}

function batchRecord(answer: AnswerOwner, events: NumberedEvent[]): EventBatchRecord {
  const firstSeq = events[0]!.seq;
  return { id: `${answer.id}:${String(firstSeq).padStart(9, "0")}`, projectId: answer.projectId, ownerId: answer.ownerId, messageId: answer.id, firstSeq, events };
}
