import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually } from "@qamesh/testkit";
import { startHarness, type Harness } from "./standalone-harness.js";

const files = 3_000;

describe("a source removed while its ingestion is under way", () => {
  let harness: Harness | undefined;
  afterAll(async () => {
    await harness?.stop();
  });

  it("leaves no chunk of it behind, and the run ends saying why its remaining files were not indexed", async () => {
    harness = await startHarness();
    const folder = join(harness.root, "notes");
    await mkdir(folder, { recursive: true });
    for (let i = 0; i < files; i++) await writeFile(join(folder, `note-${i}.md`), `# Note ${i}\n\nThe courier for parcel ${i} is named Ferdinand.\n`);
    const projectId = (await harness.api("POST", "/v1/projects", { name: "removal" })).body.id;
    const sourceId = (await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: folder })).body.id;
    const runId = (await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" })).body.id;

    await eventually(async () => {
      const { body } = await harness!.api("GET", `/v1/projects/${projectId}/ingestions/${runId}`);
      expect(body.counts.indexed).toBeGreaterThanOrEqual(100);
    }, 60_000, 10);
    expect((await harness.api("DELETE", `/v1/projects/${projectId}/sources/${sourceId}`)).status).toBe(204);

    const run = await harness.waitForRun(projectId, runId, 120_000);
    expect(run.counts.indexed).toBeLessThan(files);
    expect(run.counts.failed).toBeGreaterThan(0);
    expect(run.errors[0].message).toContain("source was removed");
    // Batches that were in flight when the source went are undone too: nothing is searchable.
    await eventually(async () => {
      const { body } = await harness!.api("POST", `/v1/projects/${projectId}/search`, { query: "courier Ferdinand parcel", k: 5 });
      expect(body.hits).toEqual([]);
    }, 10_000, 200);
  }, 180_000);
});
