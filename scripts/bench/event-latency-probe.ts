import { randomUUID } from "node:crypto";
import { Kafka, logLevel, type Consumer } from "kafkajs";
import { decodeEvent, topics } from "@qamesh/events";

/**
 * Watches a mesh's topics from outside: when each run's `ingestion.requested` was published
 * (the message's create time) and when the first `document.indexed` of that run reached a
 * consumer. Their difference is the end-to-end event latency of the run.
 */
export class EventLatencyProbe {
  private readonly requestedAt = new Map<string, number>();
  private readonly firstIndexedAt = new Map<string, number>();
  private consumer: Consumer | undefined;

  constructor(
    private readonly brokers: string,
    private readonly namespace: string,
  ) {}

  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: `bench-probe-${randomUUID().slice(0, 8)}`, brokers: this.brokers.split(","), logLevel: logLevel.NOTHING });
    const requested = `${this.namespace}${topics.ingestionRequested.name}`;
    const indexed = `${this.namespace}${topics.documentIndexed.name}`;
    this.consumer = kafka.consumer({ groupId: `${this.namespace}bench-probe-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [requested, indexed], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const receivedAt = Date.now();
        if (!message.value) return;
        if (topic === requested) {
          this.requestedAt.set(decodeEvent(topics.ingestionRequested, message.value).runId, Number(message.timestamp));
        } else {
          const { runId } = decodeEvent(topics.documentIndexed, message.value);
          if (!this.firstIndexedAt.has(runId)) this.firstIndexedAt.set(runId, receivedAt);
        }
      },
    });
  }

  /** Milliseconds from request to first indexed document, for the runs seen both ways. */
  latencies(): number[] {
    return [...this.firstIndexedAt].flatMap(([runId, indexedAt]) => {
      const requestedAt = this.requestedAt.get(runId);
      return requestedAt === undefined ? [] : [indexedAt - requestedAt];
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
