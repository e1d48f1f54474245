import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, FakeGitHubServer, gatewayClient, GitRepositoryFixture, temporaryDirectory, type GatewayClient } from "@qamesh/testkit";
import { LanceVectorIndex } from "@qamesh/vector-lance";
import { MeshProcesses } from "./mesh-processes.js";

const issueCount = 40;

describe("a connector worker killed in the middle of a GitHub run (one process per service)", () => {
  const directory = temporaryDirectory("github-crash");
  let github: FakeGitHubServer;
  let mesh: MeshProcesses;
  let client: GatewayClient;

  beforeAll(async () => {
    const root = (await directory).path;
    const gitRoot = join(root, "github");
    const repository = await GitRepositoryFixture.create(join(gitRoot, "acme", "api.git"), "main");
    await repository.write({ "README.md": "# API\n" });
    await repository.commit("first");
    github = await FakeGitHubServer.start(gitRoot);
    for (let number = 1; number <= issueCount; number++) {
      github.putIssue("acme", "api", {
        number,
        title: `Incident ${number}`,
        body: `Incident ${number}: the gateway returned 502 for region ${number}.`,
        user: "ops",
        state: "closed",
        comments: [{ id: 10_000 + number, body: `Root cause of incident ${number}: a stale DNS entry for shard ${number}.`, user: "sre", createdAt: "2026-11-01T10:00:00Z" }],
      });
    }
    const outbound = { OUTBOUND_ALLOWED_NETWORKS: "127.0.0.0/8" };
    mesh = await MeshProcesses.start(root, { ingestion: outbound, "connector-worker": { ...outbound, INGESTION_BATCH_SIZE: "4" } });
    client = gatewayClient(() => mesh.url);
  }, 120_000);

  afterAll(async () => {
    mesh?.killAll();
    await github?.stop();
    await (await directory).remove();
  });

  it("resumes after a restart and completes with exact counts, every issue indexed once", async () => {
    const projectId = (await client.api("POST", "/v1/projects", { name: "crash" })).body.id;
    await client.api("POST", `/v1/projects/${projectId}/sources`, { type: "github", owner: "acme", repo: "api", baseUrl: github.url });
    github.responseDelayMs = 60;
    const started = (await client.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" })).body;
    // Some batches done, most not: then the worker dies without a word.
    await eventually(() => expect(github.requests.filter((request) => request.includes("/comments")).length).toBeGreaterThanOrEqual(8), 30_000);
    await mesh.kill("connector-worker");
    const { body: halfway } = await client.api("GET", `/v1/projects/${projectId}/ingestions/${started.id}`);
    expect(halfway.status).not.toBe("succeeded");
    github.responseDelayMs = 0;
    mesh.startService("connector-worker");
    await mesh.ready();

    const run = await client.waitForRun(projectId, started.id, 90_000);
    expect(run).toMatchObject({ status: "succeeded", counts: { discovered: issueCount + 1, indexed: issueCount + 1, failed: 0, indexedByKind: { files: 1, issues: issueCount, comments: issueCount } } });
    // In the index: every issue, each chunk once (ids are positions in a document, so a batch done twice overwrote).
    const index = await LanceVectorIndex.open(join((await directory).path, "data", "vectors"));
    const chunks = await index.list(projectId, {}).finally(() => index.close());
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(chunks.length);
    const issues = [...new Set(chunks.map((chunk) => chunk.path).filter((path) => path.startsWith("#")))];
    expect(issues.sort()).toEqual(Array.from({ length: issueCount }, (_, index) => `#${index + 1}`).sort());
    const hits = (await client.api("POST", `/v1/projects/${projectId}/search`, { query: "root cause of incident 37 stale DNS entry for shard 37", k: 3 })).body.hits;
    expect(hits[0]).toMatchObject({ path: "#37", url: `${github.url}/acme/api/issues/37#issuecomment-10037` });
  }, 180_000);
});
