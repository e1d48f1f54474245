import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { embeddedOnly, startPrivateServer, type PrivateServer } from "@qamesh/testkit";
import { chunkIdsInChroma, expectedChunkIds, runOnceIndexed, startNotesIngestion } from "./corpus.js";
import { startDistributedHarness, type DistributedHarness } from "./distributed-harness.js";

const files = 1_000;

describe.skipIf(embeddedOnly)("Kafka stopped for 20 seconds in the middle of a run", () => {
  let kafka: PrivateServer | undefined;
  let harness: DistributedHarness | undefined;
  afterAll(async () => {
    await harness?.stop();
    await kafka?.remove();
  });

  it("completes the run once the broker is back, with nothing lost or duplicated", async () => {
    kafka = await startPrivateServer("kafka");
    harness = await startDistributedHarness({ connectorWorkers: 2, servers: { KAFKA_BROKERS: kafka.address } });
    const { paths, projectId, sourceId, runId } = await startNotesIngestion(harness, "broker restart", files);

    const atStop = await runOnceIndexed(harness, projectId, runId, 50);
    kafka.stop();
    expect(atStop.counts.indexed).toBeLessThan(files);
    await sleep(20_000);
    kafka.start();

    const run = await harness.waitForRun(projectId, runId, 240_000);
    expect(run.status).toBe("succeeded");
    expect(run.counts).toMatchObject({ discovered: files, indexed: files, failed: 0 });

    const stored = await chunkIdsInChroma(harness, projectId);
    expect(new Set(stored).size).toBe(stored.length);
    expect([...stored].sort()).toEqual(expectedChunkIds(projectId, sourceId, paths).sort());

    // The mesh is fully back: questions are answered from the indexed notes.
    const answer = await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "How much does an item of the inventory weigh?" });
    expect(answer.status).toBe(200);
    expect(answer.body.citations[0].path).toMatch(/^notes\//);
  }, 360_000);
});
