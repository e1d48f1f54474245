import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atlassianDelivery, eventually, FakeJiraServer, jiraExample } from "@qamesh/testkit";
import { projectRuns } from "./project-runs.js";
import { startHarness, type Harness } from "./standalone-harness.js";

const email = "bot@example.com";
const apiToken = "jira-api-token-0123456789";
const webhookSecret = "jira-webhook-secret-0123";

describe("a Jira source: the issues a JQL restriction names, with description, chosen fields and comments", () => {
  let harness: Harness;
  let jira: FakeJiraServer;
  let projectId: string;
  let sourceId: string;
  const logLines: string[] = [];

  const { run: runOf, search, deliver: deliverTo } = projectRuns(() => harness, () => projectId);
  const deliver = (payload: unknown, secret = webhookSecret) => deliverTo(sourceId, atlassianDelivery(secret, payload));

  beforeAll(async () => {
    harness = await startHarness({ OUTBOUND_ALLOWED_NETWORKS: "127.0.0.0/8" }, { logLines });
    jira = await FakeJiraServer.start(email, apiToken);
    jira.put({
      key: "PAY-12",
      summary: "Login loops after password reset",
      description: "After resetting the password, users land on the login page again and again.",
      reporter: "Ann",
      custom: { customfield_10010: "Root cause area: session cookies" },
      comments: [{ id: "10100", body: "The reset flow issues a cookie for the old domain; browsers drop it.", author: "Bob", created: "2026-11-01T10:00:00.000+0000" }],
    });
    jira.put({ key: "PAY-13", summary: "Refund emails in German", description: "Customers in Austria get refund emails in German even with English selected.", reporter: "Cy" });
    jira.put({ key: "OPS-1", summary: "Rotate the database password", description: "Outside the restriction: never read.", reporter: "Dee" });
    projectId = (await harness.api("POST", "/v1/projects", { name: "Jira" })).body.id;
    const created = await harness.api("POST", `/v1/projects/${projectId}/sources`, {
      type: "jira",
      baseUrl: jira.url,
      jql: "project = PAY",
      fields: ["customfield_10010"],
      email,
      apiToken,
      webhookSecret,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: "jira", jql: "project = PAY", hasCredentials: true, hasWebhookSecret: true });
    expect(JSON.stringify(created.body)).not.toContain(apiToken);
    sourceId = created.body.id;
  });

  afterAll(async () => {
    await harness?.stop();
    await jira?.stop();
  });

  it("refuses a JQL that orders, or credentials given half", async () => {
    const ordered = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "jira", baseUrl: jira.url, jql: "project = X ORDER BY key", email, apiToken });
    expect(ordered).toMatchObject({ status: 400, body: { error: { field: "jql" } } });
    const half = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "jira", baseUrl: jira.url, jql: "project = Y", email });
    expect(half).toMatchObject({ status: 400, body: { error: { field: "apiToken" } } });
  });

  it("reads the issues on /search/jql, each comment cited by its own link, the chosen field indexed", async () => {
    const run = await runOf("full");
    expect(run).toMatchObject({ status: "succeeded", counts: { discovered: 2, indexed: 2, failed: 0, indexedByKind: { issues: 2, comments: 1 } } });
    expect(jira.requests.some((request) => request.startsWith("GET /rest/api/3/search/jql"))).toBe(true);
    expect(logLines.join("\n")).not.toContain(apiToken);
    const [comment] = await search("why does login loop after password reset cookie old domain");
    expect(comment).toMatchObject({ sourceId, path: "PAY-12", title: "PAY-12 Login loops after password reset", url: `${jira.url}/browse/PAY-12?focusedCommentId=10100#comment-10100` });
    expect((await search("root cause area session cookies"))[0]).toMatchObject({ path: "PAY-12", url: `${jira.url}/browse/PAY-12` });
    expect((await search("rotate the database password")).map((hit) => hit.path)).not.toContain("OPS-1");
  });

  it("re-reads only the issues updated since (epoch milliseconds in the JQL), waiting out a 429", async () => {
    jira.put({ key: "PAY-13", summary: "Refund emails in German", description: "Customers in Austria get refund emails in German; the locale comes from the billing address.", reporter: "Cy" });
    jira.inject({ pathPattern: /\/issue\/PAY-13\/comment$/, status: 429, headers: { "retry-after": "2" }, message: "Rate limit exceeded.", times: 1 });
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "incremental" });
    await eventually(async () => {
      const { body } = await harness.api("GET", `/v1/projects/${projectId}/ingestions/${started.body.id}`);
      expect(body.waiting).toMatchObject({ reason: expect.stringContaining("Jira's rate limit") });
    });
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { indexed: 1, failed: 0 } });
    const incrementalSearch = jira.requests.filter((request) => request.startsWith("GET /rest/api/3/search/jql")).at(-1)!;
    expect(decodeURIComponent(incrementalSearch.replaceAll("+", " "))).toMatch(/\(project = PAY\) AND updated >= \d{13} ORDER BY updated ASC/);
    expect((await search("locale comes from the billing address"))[0]).toMatchObject({ path: "PAY-13" });
  });

  it("re-reads the issue a signed comment event names; refuses a bad signature; removes deleted and moved issues", async () => {
    jira.put({
      key: "PAY-12",
      summary: "Login loops after password reset",
      description: "After resetting the password, users land on the login page again and again.",
      reporter: "Ann",
      comments: [
        { id: "10100", body: "The reset flow issues a cookie for the old domain; browsers drop it.", author: "Bob", created: "2026-11-01T10:00:00.000+0000" },
        { id: "10101", body: "Fixed by scoping the cookie to the apex domain.", author: "Ann", created: "2026-11-22T10:00:00.000+0000" },
      ],
    });
    const example = jiraExample();
    const payload = { ...example, issue: { ...(example.issue as object), key: "PAY-12" } };
    expect((await deliver(payload, "not-the-secret-at-all")).status).toBe(401);
    const receipt = await deliver(payload);
    expect(receipt.body).toMatchObject({ status: "accepted", event: "comment_created" });
    expect((await harness.waitForRun(projectId, receipt.body.runId)).counts).toMatchObject({ discovered: 1, indexed: 1 });
    expect((await search("scoping the cookie to the apex domain"))[0]).toMatchObject({ url: `${jira.url}/browse/PAY-12?focusedCommentId=10101#comment-10101` });

    jira.delete("PAY-13");
    const deleted = await deliver({ ...example, webhookEvent: "jira:issue_deleted", issue: { ...(example.issue as object), key: "PAY-13" } });
    expect((await harness.waitForRun(projectId, deleted.body.runId)).counts).toMatchObject({ deleted: 1 });
    expect((await search("refund emails in German")).map((hit) => hit.path)).not.toContain("PAY-13");

    // Moved to another project: the old key is gone, found by the next full listing.
    jira.move("PAY-12", "OPS-2");
    const full = await runOf("full");
    expect(full.counts).toMatchObject({ deleted: 1, failed: 0 });
    expect((await search("login loops after password reset")).map((hit) => hit.path)).not.toContain("PAY-12");
  });

  it("fails a run whose credentials Jira refuses, saying so", async () => {
    jira.put({ key: "PAY-14", summary: "Another", description: "Something else.", reporter: "Ann" });
    jira.acceptCredentials(email, "rotated-token");
    try {
      const run = await runOf("incremental");
      expect(run.status).toBe("failed");
      expect(run.errors[0].message).toContain("Jira refused the credentials (401)");
      expect(run.errors[0].message).not.toContain(apiToken);
    } finally {
      jira.acceptCredentials(email, apiToken);
    }
  });
});

describe("a Jira Data Center source, with a personal token", () => {
  let harness: Harness;
  let jira: FakeJiraServer;

  beforeAll(async () => {
    harness = await startHarness({ OUTBOUND_ALLOWED_NETWORKS: "127.0.0.0/8" });
    jira = await FakeJiraServer.start("", "", { personalToken: "dc-personal-token-0123" });
    jira.put({ key: "INF-3", summary: "Backups overlap the reindex", description: "The nightly backup and the Lucene reindex both start at 01:00.", reporter: "Ann", comments: [{ id: "200", body: "Moved the backup to 03:00.", author: "Bob", created: "2026-11-01T10:00:00.000+0000" }] });
  });

  afterAll(async () => {
    await harness?.stop();
    await jira?.stop();
  });

  it("reads the issues through API v2, plain-text fields and all", async () => {
    const projectId = (await harness.api("POST", "/v1/projects", { name: "Jira DC" })).body.id;
    const created = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "jira", baseUrl: jira.url, jql: "project = INF", personalToken: "dc-personal-token-0123" });
    expect(created.status).toBe(201);
    const run = await harness.waitForRun(projectId, (await harness.api("POST", `/v1/projects/${projectId}/ingestions`, {})).body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { indexed: 1, indexedByKind: { issues: 1, comments: 1 } } });
    expect(jira.requests.some((request) => request.startsWith("GET /rest/api/2/search?"))).toBe(true);
    const hits: Record<string, any>[] = (await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "moved the backup to 03:00", k: 3 })).body.hits;
    // The comment's chunk, whichever rank the description's takes beside it.
    expect(hits.find((hit) => String(hit.text).includes("Moved the backup to 03:00."))).toMatchObject({ path: "INF-3", url: `${jira.url}/browse/INF-3?focusedCommentId=200#comment-200` });
    expect(hits.find((hit) => String(hit.text).includes("Lucene reindex"))).toMatchObject({ path: "INF-3", url: `${jira.url}/browse/INF-3` });
  });
});
