import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { Kafka, logLevel, type KafkaMessage } from "kafkajs";
import { eventually } from "@qamesh/testkit";

/** A plain kafkajs client, for tests that act on the mesh's topics from outside the mesh. */
export function kafkaClient(brokers: string): Kafka {
  return new Kafka({ clientId: `test-${randomUUID().slice(0, 8)}`, brokers: brokers.split(","), logLevel: logLevel.NOTHING });
}

/** Every message a topic holds right now, read by a throwaway consumer group. */
export async function readWholeTopic(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  await eventually(() => expect(messages).toHaveLength(expected), 30_000, 50);
  await consumer.disconnect();
  return messages;
}

/** Waits until a consumer group has committed everything the topic holds. */
export async function waitUntilConsumed(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await eventually(async () => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const end of ends) {
        const partition = committed!.partitions.find((candidate) => candidate.partition === end.partition);
        // -1: nothing committed, which is right only for a partition that never had a message.
        expect(Math.max(Number(partition?.offset ?? -1), 0)).toBe(Number(end.high));
      }
    }, 60_000, 200);
  } finally {
    await admin.disconnect();
  }
}
