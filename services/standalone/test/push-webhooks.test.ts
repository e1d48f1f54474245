import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describePushWebhooks, eventually, GitRepositoryFixture } from "@qamesh/testkit";
import { startHarness, type Harness } from "./standalone-harness.js";

describePushWebhooks("standalone", () => startHarness());

describe("a source with a polling schedule", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ SYNC_SWEEP_MS: "200" });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("is brought up to date without anyone asking, once per period, until the schedule is removed", async () => {
    const repository = await GitRepositoryFixture.create(join(harness.root, "scheduled"), "main");
    await repository.write({ "NOTES.md": "Deploys happen on Tuesdays.\n" });
    await repository.commit("notes");
    const projectId = (await harness.api("POST", "/v1/projects", { name: "Scheduled" })).body.id;
    const source = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: repository.url, syncEvery: "1h" });
    expect(source.body.syncEvery).toBe("1h");
    const run = await eventually(async () => {
      const [first] = (await harness.api("GET", `/v1/projects/${projectId}/ingestions`)).body.runs;
      expect(first).toMatchObject({ trigger: "schedule", status: "succeeded" });
      return first;
    }, 20_000);
    expect(run.counts.indexed).toBe(1);
    // Many sweeps later, the same hour has not started another.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await harness.api("GET", `/v1/projects/${projectId}/ingestions`)).body.runs).toHaveLength(1);
    expect((await harness.api("PATCH", `/v1/projects/${projectId}/sources/${source.body.id}`, { syncEvery: "10s" })).body.error).toMatchObject({ field: "syncEvery" });
    expect((await harness.api("PATCH", `/v1/projects/${projectId}/sources/${source.body.id}`, { syncEvery: null })).body.syncEvery).toBeNull();
  });
});
