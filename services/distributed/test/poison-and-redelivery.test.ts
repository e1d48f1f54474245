import { join } from "node:path";
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterHeaders } from "@qamesh/ports";
import { embeddedOnly, eventually } from "@qamesh/testkit";
import { chunkIdsInChroma, writeNotes } from "./corpus.js";
import { startDistributedHarness, type DistributedHarness } from "./distributed-harness.js";
import { kafkaClient, readWholeTopic, waitUntilConsumed } from "./kafka-topic-tools.js";

const maxAttempts = 3;

describe.skipIf(embeddedOnly)("bad and repeated events on the distributed mesh", () => {
  let harness: DistributedHarness;
  let kafka: Kafka;
  let projectId: string;
  const topic = (name: string) => `${harness.namespace}.${name}`;

  beforeAll(async () => {
    harness = await startDistributedHarness({ env: { EVENT_MAX_ATTEMPTS: String(maxAttempts) } });
    kafka = kafkaClient(harness.servers.KAFKA_BROKERS);
    const corpus = join(harness.root, "corpus");
    await writeNotes(corpus, 30);
    projectId = (await harness.api("POST", "/v1/projects", { name: "poison" })).body.id;
    await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: corpus });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it("dead-letters a poison message after the configured attempts while later messages of its partition go through", async () => {
    const producer = kafka.producer();
    await producer.connect();
    // Not a protobuf message at all: the workers' handler fails on it every time. Same key as
    // the project's real events, so it sits on the same partition, in front of them.
    await producer.send({
      topic: topic("ingestion.requested"),
      messages: [{ key: projectId, value: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), headers: { "x-event-id": "poison-1" } }],
    });
    await producer.disconnect();

    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" });
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { indexed: 30, failed: 0 } });

    const deadLetters = await eventually(async () => {
      const messages = await readWholeTopic(kafka, topic("ingestion.requested.dead-letter"));
      expect(messages.length).toBeGreaterThan(0);
      return messages;
    }, 60_000, 500);
    const poison = deadLetters.find((message) => message.headers?.["x-event-id"]?.toString() === "poison-1");
    expect(poison?.key?.toString()).toBe(projectId);
    expect(poison?.headers?.[deadLetterHeaders.attempts]?.toString()).toBe(String(maxAttempts));
    expect(poison?.headers?.[deadLetterHeaders.error]?.toString()).toMatch(/\S/);
  }, 120_000);

  it("changes nothing when every batch and progress event of a finished run is delivered again", async () => {
    const [before] = (await harness.api("GET", `/v1/projects/${projectId}/ingestions`)).body.runs;
    expect(before.status).toBe("succeeded");
    const chunksBefore = (await chunkIdsInChroma(harness, projectId)).sort();

    const producer = kafka.producer();
    await producer.connect();
    for (const name of ["ingestion.batch", "ingestion.progress"]) {
      const messages = await readWholeTopic(kafka, topic(name));
      expect(messages.length).toBeGreaterThan(0);
      // Verbatim copies: same key, payload and event id, as a redelivery would bring them.
      await producer.send({ topic: topic(name), messages: messages.map(({ key, value, headers }) => ({ key, value, headers: headers ?? {} })) });
    }
    await producer.disconnect();
    await waitUntilConsumed(kafka, topic("connector-workers.ingestion.batch"), topic("ingestion.batch"));
    await waitUntilConsumed(kafka, topic("ingestion-progress.ingestion.progress"), topic("ingestion.progress"));

    const runs = (await harness.api("GET", `/v1/projects/${projectId}/ingestions`)).body.runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toEqual(before);
    expect((await chunkIdsInChroma(harness, projectId)).sort()).toEqual(chunksBefore);
  }, 120_000);
});
