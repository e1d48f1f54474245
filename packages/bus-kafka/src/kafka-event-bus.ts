import { randomUUID } from "node:crypto";
import { Kafka, logLevel as kafkaLogLevel, Partitioners, type Admin, type KafkaMessage, type LogEntry, type Producer } from "kafkajs";
import type { Logger } from "@qamesh/logger";
import {
  deadLetterTopic,
  type EventBus,
  type PublishInput,
  type SubscribeOptions,
  type Subscription,
} from "@qamesh/ports";
import { kafkaHeaders } from "./kafka-headers.js";
import { KafkaSubscription, type SubscriptionBus } from "./kafka-subscription.js";
import { untilReady } from "./until-ready.js";

export interface KafkaEventBusOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /**
   * Prefix of every topic and consumer group on the cluster, so several deployments (or test
   * meshes) can share one without seeing each other's events. Handlers see unprefixed topics.
   */
  namespace?: string;
  /** Partitions of the topics this bus creates. Events of one key share a partition. */
  partitions?: number;
  /** A consumer that sends no heartbeat for this long is presumed dead (broker minimum 6 s). */
  sessionTimeoutMs?: number;
  /**
   * How long a rebalance waits for members to rejoin. A member stuck in a handler longer than
   * this is dropped and its uncommitted events go to another member.
   */
  rebalanceTimeoutMs?: number;
  /** Backoff of the first retry delivery, doubled each attempt, capped at 30 s. */
  retryBackoffMs?: number;
  /** How many of its partitions a member handles at once, each still in order. Default 1. */
  partitionsConsumedConcurrently?: number;
  /** Attempts when a subscription names none. */
  defaultMaxAttempts?: number;
}

/** Where a group's failed deliveries wait for their next attempt. */
export const retryTopic = (topic: string, group: string) => `${topic}.retry.${group}`;


/**
 * The EventBus on Kafka. One topic per event type, keyed by project, so a project's events are
 * ordered. Offsets are committed one event at a time, after the handler returned (its writes
 * are durable by then). A failed delivery is committed too and re-published to the group's
 * retry topic with its attempt number; after the last attempt it goes to the dead-letter topic
 * with the error, so a poison event never blocks its partition. Topics are created explicitly:
 * the broker's auto-creation stays off.
 */
export class KafkaEventBus implements EventBus, SubscriptionBus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  /** Answers health checks at once: no retries, so a probe never piles up behind an outage. */
  private readonly probe: Admin;
  private readonly partitions: number;
  private readonly namespace: string;
  private readonly knownTopics = new Set<string>();
  private readonly subscriptions = new Set<KafkaSubscription>();
  private connected: Promise<void> | undefined;

  constructor(private readonly options: KafkaEventBusOptions) {
    this.partitions = options.partitions ?? 4;
    this.namespace = options.namespace ?? "";
    const client = {
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: kafkaLogLevel.ERROR,
      logCreator: () => (entry: LogEntry) => {
        const { message, ...details } = entry.log;
        options.logger.error({ kafka: details, namespace: entry.namespace }, message);
      },
    };
    // Ride out a broker restart: reconnect for about a minute before giving up on a call.
    this.kafka = new Kafka({ ...client, retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 15 } });
    // Health checks get their own client without retries, so a probe answers at once and never
    // piles up behind an outage (and its failures are not logged as errors: they are the answer).
    this.probe = new Kafka({ ...client, logLevel: kafkaLogLevel.NOTHING, retry: { retries: 0 } }).admin();
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // The idempotent producer retries without limit (kafkajs requires it for its guarantees):
      // a publish during a broker outage waits for the broker instead of failing.
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
    });
    this.admin = this.kafka.admin();
  }

  /** Connects and creates the given topics (and their dead-letter topics) if missing. */
  async start(topics: readonly string[] = []): Promise<void> {
    await this.connect();
    await this.ensureTopics(topics.flatMap((topic) => [topic, deadLetterTopic(topic)]));
  }

  async publish(events: readonly PublishInput[]): Promise<void> {
    if (events.length === 0) return;
    await this.connect();
    await this.ensureTopics(events.map((event) => event.topic));
    const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
    for (const event of events) {
      const messages = byTopic.get(event.topic) ?? [];
      messages.push({
        key: event.key,
        value: Buffer.from(event.payload),
        headers: { ...event.headers, [kafkaHeaders.eventId]: event.id ?? randomUUID() },
      });
      byTopic.set(event.topic, messages);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic: this.onWire(topic), messages })),
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    await this.connect();
    const retries = retryTopic(options.topic, options.group);
    await this.ensureTopics([options.topic, retries, deadLetterTopic(options.topic)]);
    const consumer = this.kafka.consumer({
      // One Kafka group per (group, topic): kafkajs assigns every partition a group consumes
      // to its members regardless of what each subscribed to, so one service's subscriptions
      // to several topics must not share a Kafka group.
      groupId: this.onWire(`${options.group}.${options.topic}`),
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: this.options.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: Math.max(500, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 10)),
      allowAutoTopicCreation: false,
      // A consumer that lost the broker keeps trying to come back instead of crashing for good.
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 15, restartOnFailure: async () => true },
    });
    const subscription = new KafkaSubscription(consumer, options, retries, this, this.options);
    this.subscriptions.add(subscription);
    await subscription.start();
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async ping(): Promise<void> {
    await this.probe.connect();
    await this.probe.describeCluster();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
    await this.probe.disconnect().catch(() => undefined);
    if (this.connected) {
      await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
      this.connected = undefined;
    }
  }

  /** The name of a topic or group on the cluster. */
  onWire(name: string): string {
    return `${this.namespace}${name}`;
  }

  /** The topic a handler sees for a topic on the cluster. */
  fromWire(name: string): string {
    return name.startsWith(this.namespace) ? name.slice(this.namespace.length) : name;
  }

  /** Publishes already-encoded messages: the retry and dead-letter paths. */
  async forward(topic: string, message: KafkaMessage, headers: Record<string, string>): Promise<void> {
    await this.producer.send({
      topic: this.onWire(topic),
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
  }

  private connect(): Promise<void> {
    this.connected ??= Promise.all([this.producer.connect(), this.admin.connect()]).then(
      () => undefined,
      (error: unknown) => {
        this.connected = undefined;
        throw error;
      },
    );
    return this.connected;
  }

  private async ensureTopics(topics: readonly string[]): Promise<void> {
    const unknown = [...new Set(topics)].filter((topic) => !this.knownTopics.has(topic));
    if (unknown.length === 0) return;
    const existing = new Set(await this.admin.listTopics());
    const missing = unknown.filter((topic) => !existing.has(this.onWire(topic)));
    if (missing.length > 0) await untilReady(() => this.createTopics(missing));
    // A topic another process has just created may not have a leader yet; metadata requests
    // are retried until it does, so nothing subscribes to or publishes on a half-made topic.
    await untilReady(async () => {
      const { topics: metadata } = await this.admin.fetchTopicMetadata({ topics: unknown.map((topic) => this.onWire(topic)) });
      const leaderless = metadata.find((topic) => topic.partitions.some((partition) => partition.leader < 0));
      if (leaderless) throw Object.assign(new Error(`topic ${leaderless.name} has no leader yet`), { retriable: true });
    });
    for (const topic of unknown) this.knownTopics.add(topic);
  }

  private async createTopics(missing: readonly string[]): Promise<void> {
    try {
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic: this.onWire(topic), numPartitions: this.partitions })),
      });
    } catch (error) {
      // Another process created some of them first; anything else is a real failure.
      if (!isTopicAlreadyExists(error)) throw error;
    }
  }
}

function isTopicAlreadyExists(error: unknown): boolean {
  const nested = (error as { errors?: { type?: string }[] }).errors ?? [];
  const type = (error as { type?: string }).type;
  return type === "TOPIC_ALREADY_EXISTS" || (nested.length > 0 && nested.every((inner) => inner.type === "TOPIC_ALREADY_EXISTS"));
}
