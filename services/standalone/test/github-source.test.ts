import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, FakeGitHubServer, GitRepositoryFixture, githubDelivery, githubExample } from "@qamesh/testkit";
import { projectRuns } from "./project-runs.js";
import { startHarness, type Harness } from "./standalone-harness.js";

const token = "ghp_test_token_0123456789";
const webhookSecret = "github-webhook-secret-0123";

describe("a GitHub source: code, issues and pull requests with their comments", () => {
  let harness: Harness;
  let github: FakeGitHubServer;
  let projectId: string;
  let sourceId: string;
  const logLines: string[] = [];

  const { run: runOf, search, deliver: deliverTo } = projectRuns(() => harness, () => projectId);

  beforeAll(async () => {
    harness = await startHarness({ OUTBOUND_ALLOWED_NETWORKS: "127.0.0.0/8" }, { logLines });
    const gitRoot = join(harness.root, "github");
    const repository = await GitRepositoryFixture.create(join(gitRoot, "acme", "shop.git"), "main");
    await repository.write({ "src/refunds.ts": "export const refundRounding = 'half-even';\n", "README.md": "# Shop\n\nSells things.\n" });
    await repository.commit("first");
    github = await FakeGitHubServer.start(gitRoot, token);
    github.putIssue("acme", "shop", {
      number: 12,
      title: "Refunds fail for EUR invoices",
      body: "Refunding an EUR invoice fails with a rounding error of one cent.",
      user: "ann",
      state: "open",
      comments: [{ id: 901, body: "The ledger rounds half-up; the payment provider rounds half-even. That is the cent.", user: "bob", createdAt: "2026-11-01T10:00:00Z" }],
    });
    github.putIssue("acme", "shop", {
      number: 13,
      title: "Use half-even rounding in the ledger",
      body: "Fixes #12.",
      user: "bob",
      state: "open",
      pullRequest: true,
      comments: [],
      reviewComments: [{ id: 77, body: "Please add a test for negative amounts before merging.", user: "cy", createdAt: "2026-11-02T09:00:00Z", path: "src/refunds.ts", line: 1 }],
    });
    github.putIssue("acme", "shop", { number: 14, title: "Dark mode", body: "The checkout page should follow the system's dark mode.", user: "dee", state: "closed", comments: [] });
    projectId = (await harness.api("POST", "/v1/projects", { name: "GitHub" })).body.id;
    const created = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "github", owner: "acme", repo: "shop", baseUrl: github.url, token, webhookSecret });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: "github", owner: "acme", repo: "shop", hasCredentials: true, hasWebhookSecret: true });
    expect(JSON.stringify(created.body)).not.toContain(token);
    sourceId = created.body.id;
  });

  afterAll(async () => {
    await harness?.stop();
    await github?.stop();
  });

  it("reads the code through git and every issue and pull request, with comments and review comments", async () => {
    const run = await runOf("full");
    expect(run).toMatchObject({
      status: "succeeded",
      counts: { discovered: 5, indexed: 5, failed: 0, indexedByKind: { files: 2, issues: 2, pullRequests: 1, comments: 2 } },
      progress: { batches: 1, batchesDone: 1 },
      waiting: null,
    });
    expect(logLines.join("\n")).not.toContain(token);
  });

  it("cites an issue comment and a review comment by their own URLs, with the ticket's key and title", async () => {
    const [comment] = await search("why is the refund off by one cent half-up half-even");
    expect(comment).toMatchObject({ sourceId, path: "#12", title: "#12 Refunds fail for EUR invoices", url: `${github.url}/acme/shop/issues/12#issuecomment-901` });
    expect(comment!.text).toContain("Comment by bob");
    const review = (await search("add a test for negative amounts")).find((hit) => hit.path === "#13");
    expect(review).toMatchObject({ title: "#13 Use half-even rounding in the ledger", url: `${github.url}/acme/shop/pull/13#discussion_r77` });
    const code = (await search("refundRounding")).find((hit) => hit.path === "src/refunds.ts");
    expect(code).toMatchObject({ title: null, url: null, commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    const asked = await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "Why do EUR refunds fail by one cent?" });
    expect(asked.body.citations.some((citation: Record<string, unknown>) => citation.url === `${github.url}/acme/shop/issues/12#issuecomment-901`)).toBe(true);
  });

  it("re-reads only what changed upstream on an incremental run", async () => {
    github.putIssue("acme", "shop", { number: 14, title: "Dark mode", body: "The checkout page should follow the system's dark mode.", user: "dee", state: "closed", comments: [{ id: 950, body: "Shipped in the autumn release behind the theme flag.", user: "ann", createdAt: "2026-11-20T08:00:00Z" }] });
    const run = await runOf("incremental");
    expect(run).toMatchObject({ status: "succeeded", counts: { indexed: 1, failed: 0 } });
    expect((await search("shipped autumn release theme flag"))[0]).toMatchObject({ path: "#14", url: `${github.url}/acme/shop/issues/14#issuecomment-950` });
  });

  it("waits out a rate limit (429 with Retry-After) mid-run, saying so on the run, and completes", async () => {
    github.putIssue("acme", "shop", { number: 15, title: "Slow search", body: "Search takes seconds on the orders page.", user: "ann", state: "open", comments: [] });
    github.inject({ pathPattern: /\/issues\/15\/comments$/, status: 429, headers: { "retry-after": "2" }, message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", times: 1 });
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "incremental" });
    const waiting = await eventually(async () => {
      const { body } = await harness.api("GET", `/v1/projects/${projectId}/ingestions/${started.body.id}`);
      expect(body.waiting).toMatchObject({ reason: expect.stringContaining("secondary rate limit"), until: expect.any(String) });
      return body;
    });
    expect(waiting.status).toBe("running");
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { indexed: 1, failed: 0 }, waiting: null });
    expect(github.requests.filter((request) => request.startsWith("GET /repos/acme/shop/issues/15/comments"))).toHaveLength(2);
  });

  it("waits out the primary rate limit (403 with x-ratelimit-remaining 0 until x-ratelimit-reset) and completes", async () => {
    github.putIssue("acme", "shop", { number: 15, title: "Slow search", body: "Search takes seconds on the orders page and on the invoices page.", user: "ann", state: "open", comments: [] });
    const reset = String(Math.ceil(Date.now() / 1000) + 2);
    github.inject({ pathPattern: /\/issues\/15\/comments$/, status: 403, headers: { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }, message: "API rate limit exceeded for user ID 1.", times: 1 });
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "incremental" });
    await eventually(async () => {
      const { body } = await harness.api("GET", `/v1/projects/${projectId}/ingestions/${started.body.id}`);
      expect(body.waiting).toMatchObject({ reason: expect.stringContaining("rate limit is used up") });
    });
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { indexed: 1, failed: 0 }, waiting: null });
    expect(github.requests.filter((request) => request.startsWith("GET /repos/acme/shop/issues/15/comments"))).toHaveLength(4);
  });

  it("retries a server error (502) and completes", async () => {
    const listings = () => github.requests.filter((request) => request.startsWith("GET /repos/acme/shop/issues?")).length;
    const before = listings();
    github.inject({ pathPattern: /\/repos\/acme\/shop\/issues$/, status: 502, message: "Server Error", times: 1 });
    const run = await runOf("incremental");
    expect(run).toMatchObject({ status: "succeeded", counts: { failed: 0 } });
    expect(listings() - before).toBe(2);
  });

  it("removes what was deleted upstream: through the issue's webhook, and by the full listing", async () => {
    github.deleteIssue("acme", "shop", 15);
    const deleted = githubExample("issues", (payload) => payload.action === "deleted");
    const delivery = githubDelivery(webhookSecret, "issues", { ...deleted, issue: { ...(deleted.issue as object), number: 15 } });
    const receipt = (await deliverTo(sourceId, delivery)).body;
    expect(receipt).toMatchObject({ status: "accepted", event: "issues" });
    expect((await harness.waitForRun(projectId, receipt.runId)).counts).toMatchObject({ discovered: 1, deleted: 1 });
    expect((await search("search takes seconds on the orders page")).map((hit) => hit.path)).not.toContain("#15");

    github.deleteIssue("acme", "shop", 14);
    const full = await runOf("full");
    expect(full.counts).toMatchObject({ deleted: 1, failed: 0 });
    expect((await search("dark mode checkout")).map((hit) => hit.path)).not.toContain("#14");
  });

  it("re-reads just the document an issue comment event names", async () => {
    github.putIssue("acme", "shop", {
      number: 12,
      title: "Refunds fail for EUR invoices",
      body: "Refunding an EUR invoice fails with a rounding error of one cent.",
      user: "ann",
      state: "closed",
      comments: [
        { id: 901, body: "The ledger rounds half-up; the payment provider rounds half-even. That is the cent.", user: "bob", createdAt: "2026-11-01T10:00:00Z" },
        { id: 990, body: "Verified on staging with the Lisbon merchant account.", user: "ann", createdAt: "2026-11-21T08:00:00Z" },
      ],
    });
    const example = githubExample("issue_comment");
    const delivery = githubDelivery(webhookSecret, "issue_comment", { ...example, issue: { ...(example.issue as object), number: 12, pull_request: undefined } });
    const receipt = (await deliverTo(sourceId, delivery)).body;
    expect(receipt).toMatchObject({ status: "accepted", event: "issue_comment" });
    expect((await harness.waitForRun(projectId, receipt.runId)).counts).toMatchObject({ discovered: 1, indexed: 1 });
    expect((await search("verified on staging Lisbon merchant"))[0]).toMatchObject({ path: "#12", url: `${github.url}/acme/shop/issues/12#issuecomment-990` });
  });

  it("fails a run whose token GitHub refuses, saying so", async () => {
    github.acceptToken("another-token");
    try {
      const run = await runOf("incremental");
      expect(run.status).toBe("failed");
      // The code's fetch meets the refusal first; either way the run says the credentials were refused.
      expect(run.errors[0].message).toMatch(/refused (the token|access: check the credentials)/);
      expect(run.errors[0].message).not.toContain(token);
    } finally {
      github.acceptToken(token);
    }
  });
});
