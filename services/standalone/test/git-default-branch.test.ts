import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitRepositoryFixture } from "@qamesh/testkit";
import { startHarness, type Harness } from "./standalone-harness.js";

describe("a git source whose branch is given as HEAD", () => {
  let harness: Harness;
  let repository: GitRepositoryFixture;

  beforeAll(async () => {
    harness = await startHarness();
    // A default branch that is neither "main" nor "master", so nothing can guess it.
    repository = await GitRepositoryFixture.create(join(harness.root, "repository"), "trunk");
    await repository.write({ "docs/oncall.md": "# On-call\n\nThe pager rotates every Wednesday at noon.\n" });
    await repository.commit("on-call notes");
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("ingests the repository's default branch (HEAD once meant refs/heads/HEAD, and the run failed)", async () => {
    const projectId = (await harness.api("POST", "/v1/projects", { name: "Default branch" })).body.id;
    const source = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: repository.url, branch: "HEAD" });
    expect(source.status).toBe(201);
    expect(source.body.branch).toBeNull();
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, {});
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run.errors).toEqual([]);
    expect(run.status).toBe("succeeded");
    const hits = (await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "when does the pager rotate", k: 1 })).body.hits;
    expect(hits[0]).toMatchObject({ path: "docs/oncall.md", commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
  });
});
