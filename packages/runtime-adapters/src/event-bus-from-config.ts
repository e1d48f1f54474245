import { z } from "zod";
import { EmbeddedEventBus } from "@qamesh/bus-embedded";
import { KafkaEventBus } from "@qamesh/bus-kafka";
import { topics } from "@qamesh/events";
import type { Logger } from "@qamesh/logger";
import type { EventBus } from "@qamesh/ports";

const brokerAddress = /^[A-Za-z0-9_.\-[\]:]+:\d{1,5}$/;

/** The event-bus variables every service with a bus accepts. */
export const eventBusConfigShape = {
  /** Comma-separated host:port list; when set, the bus is Kafka, otherwise the embedded log. */
  KAFKA_BROKERS: z
    .string()
    .refine((value) => value.split(",").every((broker) => brokerAddress.test(broker.trim())), "must be a comma-separated list of host:port")
    .optional(),
  /** Prefix of this deployment's topics and consumer groups, for clusters shared by several. */
  KAFKA_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9._-]{0,100}$/, "must be letters, digits, '.', '_' or '-'")
    .default(""),
  /** Partitions of the topics the services create at start-up. */
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(4),
  /** How many of its assigned partitions a consumer works on at once (each still in order). */
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(4),
  /** A consumer silent for this long is presumed dead and its partitions move (broker minimum 6000). */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
  /** How long a rebalance waits for a busy member before dropping it. */
  KAFKA_REBALANCE_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Attempts at handling an event before it goes to the topic's dead-letter topic. */
  EVENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /** Wait before the second attempt, doubled for each further one (capped at 30 s on Kafka). */
  EVENT_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  /** SQLite file of the embedded event log, shared by the processes of one machine. */
  BUS_FILE: z.string().min(1).default("./data/bus.sqlite"),
};

export type EventBusConfig = z.infer<z.ZodObject<typeof eventBusConfigShape>>;

/** Kafka when KAFKA_BROKERS is set (with every mesh topic created up front), else the embedded log. */
export async function openEventBus(config: EventBusConfig, service: string, logger: Logger): Promise<EventBus> {
  const retries = { defaultMaxAttempts: config.EVENT_MAX_ATTEMPTS, retryBackoffMs: config.EVENT_RETRY_BACKOFF_MS };
  if (!config.KAFKA_BROKERS) return new EmbeddedEventBus({ file: config.BUS_FILE, logger, ...retries });
  const bus = new KafkaEventBus({
    brokers: config.KAFKA_BROKERS.split(",").map((broker) => broker.trim()),
    clientId: `qamesh-${service}`,
    logger,
    namespace: config.KAFKA_NAMESPACE,
    partitions: config.KAFKA_PARTITIONS,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    rebalanceTimeoutMs: config.KAFKA_REBALANCE_TIMEOUT_MS,
    partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    ...retries,
  });
  await bus.start(Object.values(topics).map((topic) => topic.name));
  return bus;
}
