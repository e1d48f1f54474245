import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, FakeGitLabServer, GitRepositoryFixture, gitlabDelivery, gitlabExample } from "@qamesh/testkit";
import { projectRuns } from "./project-runs.js";
import { startHarness, type Harness } from "./standalone-harness.js";

const token = "glpat-test-token-0123456789";
const webhookSecret = "gitlab-webhook-token-0123";
const project = "acme/platform/billing";

describe("a GitLab source: code, issues and merge requests with their notes", () => {
  let harness: Harness;
  let gitlab: FakeGitLabServer;
  let projectId: string;
  let sourceId: string;
  const logLines: string[] = [];

  const { run: runOf, search, deliver: deliverTo } = projectRuns(() => harness, () => projectId);
  const deliver = (event: string, payload: unknown) => deliverTo(sourceId, gitlabDelivery(webhookSecret, event, payload));

  beforeAll(async () => {
    harness = await startHarness({ OUTBOUND_ALLOWED_NETWORKS: "127.0.0.0/8" }, { logLines });
    const gitRoot = join(harness.root, "gitlab");
    const repository = await GitRepositoryFixture.create(join(gitRoot, `${project}.git`), "main");
    await repository.write({ "lib/invoices.rb": "INVOICE_GRACE_DAYS = 14\n" });
    await repository.commit("first");
    gitlab = await FakeGitLabServer.start(gitRoot, token);
    gitlab.put(project, "issues", {
      iid: 7,
      title: "Invoices sent twice at month end",
      description: "Some customers get two invoices on the last day of the month.",
      author: "ann",
      state: "opened",
      notes: [
        { id: 501, body: "changed the description", author: "ann", createdAt: "2026-11-01T09:00:00Z", system: true },
        { id: 502, body: "The cron job and the retry queue both pick up the batch when the month rolls over.", author: "bob", createdAt: "2026-11-01T10:00:00Z" },
      ],
    });
    gitlab.put(project, "merge_requests", { iid: 3, title: "Lock the month-end batch", description: "Takes an advisory lock before sending. Closes #7.", author: "bob", state: "merged", notes: [{ id: 601, body: "Please keep the lock timeout under the job's interval.", author: "cy", createdAt: "2026-11-02T10:00:00Z" }] });
    gitlab.put(project, "issues", { iid: 8, title: "Export to CSV", description: "Finance wants invoice exports as CSV.", author: "dee", state: "opened", notes: [] });
    projectId = (await harness.api("POST", "/v1/projects", { name: "GitLab" })).body.id;
    const created = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "gitlab", project, baseUrl: gitlab.url, token, webhookSecret });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: "gitlab", project, hasCredentials: true, hasWebhookSecret: true });
    expect(JSON.stringify(created.body)).not.toContain(token);
    sourceId = created.body.id;
  });

  afterAll(async () => {
    await harness?.stop();
    await gitlab?.stop();
  });

  it("reads the code through git, every issue and merge request with its notes (GitLab's own notes left out)", async () => {
    const run = await runOf("full");
    expect(run).toMatchObject({ status: "succeeded", counts: { discovered: 4, indexed: 4, failed: 0, indexedByKind: { files: 1, issues: 2, mergeRequests: 1, comments: 2 } } });
    expect(logLines.join("\n")).not.toContain(token);
    const [note] = await search("why are invoices sent twice cron job retry queue month rolls over");
    expect(note).toMatchObject({ path: "#7", title: "#7 Invoices sent twice at month end", url: `${gitlab.url}/${project}/-/issues/7#note_502` });
    expect(note!.text).not.toContain("changed the description");
    expect((await search("lock timeout under the job's interval")).find((hit) => hit.path === "!3")).toMatchObject({ url: `${gitlab.url}/${project}/-/merge_requests/3#note_601` });
  });

  it("takes the project's numeric id as well: the clone goes to the path the API names for it", async () => {
    const { id } = (await (await fetch(`${gitlab.url}/api/v4/projects/${encodeURIComponent(project)}`, { headers: { "private-token": token } })).json()) as { id: number };
    const otherProject = (await harness.api("POST", "/v1/projects", { name: "GitLab by id" })).body.id;
    const created = await harness.api("POST", `/v1/projects/${otherProject}/sources`, { type: "gitlab", project: String(id), baseUrl: gitlab.url, token });
    expect(created.status).toBe(201);
    const started = await harness.api("POST", `/v1/projects/${otherProject}/ingestions`, { mode: "full" });
    const run = await harness.waitForRun(otherProject, started.body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { failed: 0, indexedByKind: { files: 1, issues: 2, mergeRequests: 1 } } });
    const hits = (await harness.api("POST", `/v1/projects/${otherProject}/search`, { query: "INVOICE_GRACE_DAYS", k: 3 })).body.hits as { path: string }[];
    expect(hits.map((hit) => hit.path)).toContain("lib/invoices.rb");
  });

  it("re-reads only what changed upstream, and waits out a 429 with Retry-After saying so", async () => {
    gitlab.put(project, "issues", { iid: 8, title: "Export to CSV", description: "Finance wants invoice exports as CSV, semicolon-separated for Excel.", author: "dee", state: "opened", notes: [] });
    gitlab.inject({ pathPattern: /\/issues\/8\/notes$/, status: 429, headers: { "retry-after": "2" }, message: "Retry later", times: 1 });
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "incremental" });
    await eventually(async () => {
      const { body } = await harness.api("GET", `/v1/projects/${projectId}/ingestions/${started.body.id}`);
      expect(body.waiting).toMatchObject({ reason: expect.stringContaining("GitLab's rate limit") });
    });
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { indexed: 1, failed: 0 }, waiting: null });
    expect((await search("semicolon-separated for Excel"))[0]).toMatchObject({ path: "#8" });
  });

  it("retries a server error", async () => {
    gitlab.inject({ pathPattern: /\/merge_requests$/, status: 503, message: "Service Unavailable", times: 2 });
    expect(await runOf("incremental")).toMatchObject({ status: "succeeded", counts: { failed: 0 } });
  });

  it("re-reads the document a note or issue hook names, and removes one deleted upstream", async () => {
    gitlab.put(project, "issues", {
      iid: 7,
      title: "Invoices sent twice at month end",
      description: "Some customers get two invoices on the last day of the month.",
      author: "ann",
      state: "closed",
      notes: [{ id: 503, body: "Confirmed fixed in production by the batch lock.", author: "ann", createdAt: "2026-11-21T10:00:00Z" }],
    });
    const note = gitlabExample("note");
    const receipt = await deliver("Note Hook", { ...note, issue: { ...(note.issue as object), iid: 7 } });
    expect(receipt.body).toMatchObject({ status: "accepted", event: "Note Hook" });
    expect((await harness.waitForRun(projectId, receipt.body.runId)).counts).toMatchObject({ discovered: 1, indexed: 1 });
    expect((await search("confirmed fixed in production batch lock"))[0]).toMatchObject({ path: "#7", url: `${gitlab.url}/${project}/-/issues/7#note_503` });

    gitlab.delete(project, "issues", 8);
    const issue = gitlabExample("issue");
    const deleted = await deliver("Issue Hook", { ...issue, object_attributes: { ...(issue.object_attributes as object), iid: 8, action: "delete" } });
    expect((await harness.waitForRun(projectId, deleted.body.runId)).counts).toMatchObject({ deleted: 1 });
    expect((await search("export CSV semicolon Excel")).map((hit) => hit.path)).not.toContain("#8");

    expect((await deliver("Pipeline Hook", { object_kind: "pipeline" })).body.status).toBe("ignored");
    const forged = gitlabDelivery("not-the-token-at-all", "Issue Hook", issue);
    expect((await deliverTo(sourceId, forged)).status).toBe(401);
  });

  it("prunes, on a full run, what was deleted upstream without a hook", async () => {
    gitlab.delete(project, "merge_requests", 3);
    const run = await runOf("full");
    expect(run.counts).toMatchObject({ deleted: 1, failed: 0 });
    expect((await search("lock timeout under the job's interval")).map((hit) => hit.path)).not.toContain("!3");
  });

  it("fails a run whose token GitLab refuses, saying so", async () => {
    gitlab.acceptToken("another");
    try {
      const run = await runOf("incremental");
      expect(run.status).toBe("failed");
      expect(run.errors[0].message).toMatch(/refused (the token|access: check the credentials)/);
    } finally {
      gitlab.acceptToken(token);
    }
  });
});
