import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { GitHttpServer, GitRepositoryFixture } from "@qamesh/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./standalone-harness.js";

const token = "glpat-TOPSECRET-4f9a1c";

/** Every file under `directory`, as one searchable text. */
async function everythingStoredUnder(directory: string): Promise<string> {
  const texts: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) texts.push((await readFile(join(entry.parentPath, entry.name))).toString("latin1"));
  }
  return texts.join("\n");
}

describe("git credentials are kept apart from the URL, sealed, and never shown or logged", () => {
  let harness: Harness;
  let server: GitHttpServer;
  const logLines: string[] = [];

  beforeAll(async () => {
    // The test's git server is on loopback, which only the deployment can allow.
    harness = await startHarness({ OUTBOUND_ALLOWED_NETWORKS: "127.0.0.0/8" }, { logLines });
    const repository = await GitRepositoryFixture.create(join(harness.root, "served", "private"));
    await repository.write({ "docs/runbook.md": "# Runbook\n\nRestart the payment relay with the blue button.\n" });
    await repository.commit("runbook");
    server = await GitHttpServer.start(join(harness.root, "served"), "alice", token);
  });

  afterAll(async () => {
    await server?.stop();
    await harness?.stop();
  });

  it("takes credentials out of an https URL, uses them to fetch, and never returns or logs them", async () => {
    const projectId = (await harness.api("POST", "/v1/projects", { name: "Private" })).body.id;
    const withToken = server.url.replace("http://", `http://alice:${token}@`) + "/private";
    const created = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: withToken });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: `${server.url}/private`, name: `${server.url}/private`, hasCredentials: true });

    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" });
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run.errors).toEqual([]);
    expect(run).toMatchObject({ status: "succeeded", counts: { indexed: 1 } });
    expect(server.authorizations).toContain(`Basic ${Buffer.from(`alice:${token}`).toString("base64")}`);
    const hits = await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "restart the payment relay" });
    expect(hits.body.hits[0].path).toBe("docs/runbook.md");

    const listed = await harness.api("GET", `/v1/projects/${projectId}/sources`);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(logLines.join("\n")).not.toContain(token);
    // At rest and on the bus only sealed: no file of the data directory holds the token.
    expect(await everythingStoredUnder(join(harness.root, "data"))).not.toContain(token);
  });

  it("takes credentials given apart, and reports a refused fetch without them", async () => {
    const projectId = (await harness.api("POST", "/v1/projects", { name: "Wrong password" })).body.id;
    const created = await harness.api("POST", `/v1/projects/${projectId}/sources`, {
      type: "git",
      url: `${server.url}/private`,
      credentials: { username: "alice", password: "not-the-token" },
    });
    expect(created.status).toBe(201);
    expect(created.body.hasCredentials).toBe(true);
    expect(JSON.stringify(created.body)).not.toContain("not-the-token");
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, {});
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run.status).toBe("failed");
    expect(JSON.stringify(run)).not.toContain("not-the-token");
    expect(logLines.join("\n")).not.toContain("not-the-token");
  });

  it("refuses credentials in the URL and apart at once, and a password in an ssh URL", async () => {
    const projectId = (await harness.api("POST", "/v1/projects", { name: "Both" })).body.id;
    const both = await harness.api("POST", `/v1/projects/${projectId}/sources`, {
      type: "git",
      url: server.url.replace("http://", "http://alice:x@") + "/private",
      credentials: { password: "y" },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.field).toBe("credentials");
    const ssh = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: "ssh://git:hunter2@example.com/repo.git" });
    expect(ssh.status).toBe(400);
    expect(ssh.body.error.field).toBe("url");
    expect(JSON.stringify(ssh.body)).not.toContain("hunter2");
  });
});
