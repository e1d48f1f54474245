import { afterAll, describe, expect, it } from "vitest";
import { embeddedOnly } from "@qamesh/testkit";
import { chunkIdsInChroma, expectedChunkIds, runOnceIndexed, startNotesIngestion } from "./corpus.js";
import { startDistributedHarness, type DistributedHarness } from "./distributed-harness.js";

const files = 2_000;

describe.skipIf(embeddedOnly)("a connector worker killed with SIGKILL in the middle of a run", () => {
  let harness: DistributedHarness | undefined;
  afterAll(async () => {
    await harness?.stop();
  });

  it("completes the run on the surviving worker with every chunk in Chroma exactly once", async () => {
    harness = await startDistributedHarness({ connectorWorkers: 2 });
    const { paths, projectId, sourceId, runId } = await startNotesIngestion(harness, "crash", files);

    // Both workers are indexing: kill one once the run is under way but far from done.
    const atKill = await runOnceIndexed(harness, projectId, runId, 100);
    harness.mesh.connectorWorkers[0]!.kill("SIGKILL");
    expect(atKill.status).toBe("running");
    expect(atKill.counts.indexed).toBeLessThan(files);

    const run = await harness.waitForRun(projectId, runId, 240_000);
    expect(run.status).toBe("succeeded");
    // Redelivered batches are counted once: progress events carry stable ids.
    expect(run.counts).toMatchObject({ discovered: files, indexed: files, failed: 0, skipped: 0 });

    const stored = await chunkIdsInChroma(harness, projectId);
    expect(stored).toHaveLength(files);
    expect(new Set(stored).size).toBe(files);
    expect([...stored].sort()).toEqual(expectedChunkIds(projectId, sourceId, paths).sort());
  }, 300_000);
});
