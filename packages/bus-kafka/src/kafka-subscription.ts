import { setTimeout as sleep } from "node:timers/promises";
import type { Consumer, EachBatchPayload, KafkaMessage } from "kafkajs";
import type { Logger } from "@qamesh/logger";
import { deadLetterHeaders, deadLetterTopic, type BusEvent, type SubscribeOptions } from "@qamesh/ports";
import { headersToStrings, kafkaHeaders, withoutInternalHeaders } from "./kafka-headers.js";
import { RecentEventIds } from "./recent-event-ids.js";
import { untilReady } from "./until-ready.js";

/** What a subscription needs of its bus: topic names on the cluster and re-publishing. */
export interface SubscriptionBus {
  onWire(name: string): string;
  fromWire(name: string): string;
  forward(topic: string, message: KafkaMessage, headers: Record<string, string>): Promise<void>;
}

export interface SubscriptionSettings {
  logger: Logger;
  partitionsConsumedConcurrently?: number;
  retryBackoffMs?: number;
  defaultMaxAttempts?: number;
}

const maxRetryBackoffMs = 30_000;

/** The broker's answers meaning this member must join its group again (its partitions may have moved on). */
const membershipErrors = new Set(["UNKNOWN_MEMBER_ID", "ILLEGAL_GENERATION", "REBALANCE_IN_PROGRESS", "NOT_COORDINATOR_FOR_GROUP"]);

/**
 * The broker's own error, when a commit failed because this member left its group (a rebalance
 * that completed while a long handler ran). kafkajs wraps it as non-retriable, and its consumer
 * rejoins only on seeing the broker's error itself: wrapped, the consumer crashes for good and
 * its partitions are never consumed again by this process.
 */
function membershipLost(error: unknown): Error | undefined {
  for (let cause = error; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) {
    const type = (cause as { type?: unknown }).type;
    if (typeof type === "string" && membershipErrors.has(type)) return cause;
  }
  return undefined;
}
const groupJoinTimeoutMs = 60_000;

/** One consumer group member running one subscription's handler. */
export class KafkaSubscription {
  private readonly handled = new RecentEventIds();
  private readonly maxAttempts: number;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: SubscribeOptions,
    private readonly retries: string,
    private readonly bus: SubscriptionBus,
    private readonly busOptions: SubscriptionSettings,
  ) {
    this.maxAttempts = options.maxAttempts ?? busOptions.defaultMaxAttempts ?? 5;
  }

  async start(): Promise<void> {
    const joined = new Promise<void>((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.busOptions.logger.warn(
        { group: this.options.group, topic: this.options.topic, err: event.payload.error, restart: event.payload.restart },
        "kafka consumer crashed",
      );
    });
    await this.consumer.connect();
    const topics = [this.options.topic, this.retries].map((topic) => this.bus.onWire(topic));
    await untilReady(() => this.consumer.subscribe({ topics, fromBeginning: true }));
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Partitions assigned to this member are worked on side by side (each still in order):
      // handlers mostly wait on the network, so one partition at a time would idle the worker.
      partitionsConsumedConcurrently: this.busOptions.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    // Return once the group has assigned partitions, so a caller's next publish is seen. A
    // group that takes longer keeps joining in the background; the caller goes on.
    const outcome = await Promise.race([joined.then(() => "joined" as const), sleep(groupJoinTimeoutMs, "late" as const, { ref: false })]);
    if (outcome === "late") {
      this.busOptions.logger.warn({ group: this.options.group, topic: this.options.topic }, "kafka consumer has not joined its group yet; continuing");
    }
  }

  stop(): Promise<void> {
    this.stopped ??= this.consumer.disconnect();
    return this.stopped;
  }

  private async consumeBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      await this.deliver(this.bus.fromWire(batch.topic), message, heartbeat);
      resolveOffset(message.offset);
      try {
        await this.consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString() },
        ]);
      } catch (error) {
        throw membershipLost(error) ?? error;
      }
    }
  }

  /** Runs the handler once; a failure moves the event on to a retry or the dead-letter topic. */
  private async deliver(topic: string, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    const headers = headersToStrings(message.headers);
    const id = headers[kafkaHeaders.eventId] ?? `${topic}@${message.offset}`;
    if (this.handled.has(id)) return;
    const attempt = Number(headers[kafkaHeaders.attempt] ?? "1");
    const notBefore = Number(headers[kafkaHeaders.notBefore] ?? "0");
    await this.waitUntil(notBefore, heartbeat);

    const event: BusEvent = {
      id,
      topic: headers[kafkaHeaders.originalTopic] ?? topic,
      key: message.key?.toString() ?? "",
      payload: new Uint8Array(message.value ?? Buffer.alloc(0)),
      headers: withoutInternalHeaders(headers),
    };
    // Long handlers keep the membership alive, so a slow batch is not mistaken for a dead member.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 1_000);
    try {
      await this.options.handler(event);
      this.handled.add(id);
    } catch (error) {
      await this.handleFailure(event, message, attempt, error);
    } finally {
      clearInterval(beat);
    }
  }

  private async handleFailure(event: BusEvent, message: KafkaMessage, attempt: number, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const base = { ...event.headers, [kafkaHeaders.eventId]: event.id };
    if (attempt >= this.maxAttempts) {
      this.busOptions.logger.error({ eventId: event.id, topic: event.topic, group: this.options.group, attempt, reason }, "event dead-lettered");
      await this.bus.forward(deadLetterTopic(event.topic), message, {
        ...base,
        [deadLetterHeaders.error]: reason,
        [deadLetterHeaders.attempts]: String(attempt),
      });
      return;
    }
    const backoff = Math.min(maxRetryBackoffMs, (this.busOptions.retryBackoffMs ?? 500) * 2 ** (attempt - 1));
    this.busOptions.logger.warn({ eventId: event.id, topic: event.topic, group: this.options.group, attempt, reason }, "event handler failed, retrying");
    await this.bus.forward(this.retries, message, {
      ...base,
      [kafkaHeaders.attempt]: String(attempt + 1),
      [kafkaHeaders.notBefore]: String(Date.now() + backoff),
      [kafkaHeaders.originalTopic]: event.topic,
    });
  }

  private async waitUntil(time: number, heartbeat: () => Promise<void>): Promise<void> {
    while (Date.now() < time) {
      await sleep(Math.min(1_000, time - Date.now()));
      await heartbeat().catch(() => undefined);
    }
  }
}
