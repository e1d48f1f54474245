import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atlassianDelivery, eventually, FakeConfluenceServer } from "@qamesh/testkit";
import { projectRuns } from "./project-runs.js";
import { startHarness, type Harness } from "./standalone-harness.js";

const email = "bot@example.com";
const apiToken = "confluence-api-token-0123";
const webhookSecret = "confluence-webhook-secret-01";

const runbook = [
  "<p>How we ship the billing service.</p>",
  "<h2>Deploying</h2><p>Deploys go out from the release branch every Thursday.</p>",
  '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">bash</ac:parameter><ac:plain-text-body><![CDATA[make deploy ENV=prod]]></ac:plain-text-body></ac:structured-macro>',
  "<h2>Rolling back</h2><p>Roll back by redeploying the previous image tag; the on-call engineer decides within fifteen minutes.</p>",
].join("");

describe("a Confluence source: pages cut at their headings, with comments", () => {
  let harness: Harness;
  let confluence: FakeConfluenceServer;
  let projectId: string;
  let sourceId: string;
  const logLines: string[] = [];

  const { run: runOf, search, deliver: deliverTo } = projectRuns(() => harness, () => projectId);

  beforeAll(async () => {
    harness = await startHarness({ OUTBOUND_ALLOWED_NETWORKS: "127.0.0.0/8" }, { logLines });
    confluence = await FakeConfluenceServer.start(email, apiToken);
    confluence.put({ id: "1001", space: "ENG", title: "Billing runbook", body: runbook, author: "Ann", comments: [{ id: "5001", body: "<p>Thursday deploys pause during the December freeze.</p>", author: "Bob" }] });
    confluence.put({ id: "1002", space: "ENG", title: "Glossary", body: "<p>A ledger entry is immutable once posted.</p>", author: "Cy" });
    confluence.put({ id: "2001", space: "HR", title: "Holidays", body: "<p>Not in a space the source reads.</p>", author: "Dee" });
    projectId = (await harness.api("POST", "/v1/projects", { name: "Confluence" })).body.id;
    const created = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "confluence", baseUrl: confluence.siteUrl, spaces: ["ENG"], email, apiToken, webhookSecret });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: "confluence", spaces: ["ENG"], hasCredentials: true });
    expect(JSON.stringify(created.body)).not.toContain(apiToken);
    sourceId = created.body.id;
  });

  afterAll(async () => {
    await harness?.stop();
    await confluence?.stop();
  });

  it("reads the space's pages as clean text, each section cited by its heading's link, comments by theirs", async () => {
    const run = await runOf("full");
    expect(run).toMatchObject({ status: "succeeded", counts: { discovered: 2, indexed: 2, failed: 0, indexedByKind: { pages: 2, comments: 1 } } });
    expect(logLines.join("\n")).not.toContain(apiToken);
    const [rollback] = await search("how do we roll back the billing service who decides");
    const page = `${confluence.siteUrl}/spaces/ENG/pages/1001/Billing+runbook`;
    expect(rollback).toMatchObject({ path: "page:1001", title: "Billing runbook", url: `${page}#Rolling-back` });
    expect(rollback!.text).not.toContain("<p>");
    expect((await search("make deploy ENV=prod")).find((hit) => hit.path === "page:1001")).toMatchObject({ url: `${page}#Deploying` });
    expect((await search("December freeze pauses Thursday deploys"))[0]).toMatchObject({ url: `${page}?focusedCommentId=5001#comment-5001` });
    expect((await search("holidays")).map((hit) => hit.path)).not.toContain("page:2001");
  });

  it("finds a new comment (which leaves the page's own version alone) with lastmodified in CQL, re-reading only that page, waiting out a 429", async () => {
    confluence.comment("1002", { id: "5002", body: "<p>Reversals are new entries, never edits.</p>", author: "Ann" });
    confluence.inject({ pathPattern: /\/content\/1002$/, status: 429, headers: { "retry-after": "2" }, message: "Rate limited", times: 1 });
    const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "incremental" });
    await eventually(async () => {
      const { body } = await harness.api("GET", `/v1/projects/${projectId}/ingestions/${started.body.id}`);
      expect(body.waiting).toMatchObject({ reason: expect.stringContaining("Confluence's rate limit") });
    });
    const run = await harness.waitForRun(projectId, started.body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { indexed: 1, failed: 0 } });
    const query = confluence.requests.filter((request) => request.startsWith("GET /wiki/rest/api/search")).at(-1)!;
    expect(decodeURIComponent(query.replaceAll("+", " "))).toMatch(/space in \("ENG"\) AND type in \(page,comment\) AND lastmodified >= now\("-\d+m"\) ORDER BY lastmodified ASC/);
    expect((await search("reversals are new entries never edits"))[0]).toMatchObject({ path: "page:1002" });
  });

  it("re-reads the page a signed page event names, and removes a deleted one", async () => {
    confluence.put({ id: "1002", space: "ENG", title: "Glossary", body: "<p>A ledger entry is immutable once posted.</p><h2>Settlement</h2><p>Settlement runs nightly at 02:00 UTC.</p>", author: "Cy" });
    const updated = atlassianDelivery(webhookSecret, { timestamp: Date.now(), webhookEvent: "page_updated", userAccountId: "u1", page: { id: 1002, spaceKey: "ENG", title: "Glossary" } });
    const receipt = (await deliverTo(sourceId, updated)).body;
    expect(receipt).toMatchObject({ status: "accepted", event: "page_updated" });
    expect((await harness.waitForRun(projectId, receipt.runId)).counts).toMatchObject({ discovered: 1, indexed: 1 });
    expect((await search("when does settlement run"))[0]).toMatchObject({ url: `${confluence.siteUrl}/spaces/ENG/pages/1002/Glossary#Settlement` });

    confluence.delete("1002");
    const full = await runOf("full");
    expect(full.counts).toMatchObject({ deleted: 1, failed: 0 });
    expect((await search("when does settlement run")).map((hit) => hit.path)).not.toContain("page:1002");
  });

  it("reads text attachments when asked (an image is not text), and finds a new one by the CQL listing", async () => {
    confluence.put({ id: "3001", space: "OPS", title: "Pager setup", body: "<p>Pager rotations.</p>", author: "Ann" });
    confluence.attach("3001", { id: "att900", title: "escalation.md", mediaType: "text/markdown", content: "# Escalation\n\nPage the database owner after 20 minutes without an acknowledgement.\n" });
    confluence.attach("3001", { id: "att901", title: "diagram.png", mediaType: "image/png", content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) });
    const other = (await harness.api("POST", "/v1/projects", { name: "Confluence attachments" })).body.id;
    const source = await harness.api("POST", `/v1/projects/${other}/sources`, { type: "confluence", baseUrl: confluence.siteUrl, spaces: ["OPS"], include: { attachments: true }, email, apiToken });
    expect(source.body.include).toEqual({ pages: true, blogPosts: false, comments: true, attachments: true });
    const run = await harness.waitForRun(other, (await harness.api("POST", `/v1/projects/${other}/ingestions`, { mode: "full" })).body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { indexed: 1, failed: 0 } });
    const searchOther = async (query: string) => (await harness.api("POST", `/v1/projects/${other}/search`, { query, k: 3 })).body.hits as Record<string, any>[];
    const [hit] = await searchOther("when do we page the database owner");
    expect(hit).toMatchObject({ path: "page:3001", url: expect.stringContaining(`preview=${encodeURIComponent("/3001/att900/escalation.md")}`) });
    expect(hit!.text).toContain("Page the database owner after 20 minutes");
    expect((await searchOther("diagram png")).some((each) => String(each.text).includes("PNG"))).toBe(false);

    confluence.attach("3001", { id: "att902", title: "contacts.csv", mediaType: "text/csv", content: "team,phone\npayments,+44 20 7946 0000\n" });
    const incremental = await harness.waitForRun(other, (await harness.api("POST", `/v1/projects/${other}/ingestions`, { mode: "incremental" })).body.id);
    expect(incremental.counts).toMatchObject({ indexed: 1, failed: 0 });
    expect((await searchOther("payments team phone number"))[0]!.text).toContain("payments,+44 20 7946 0000");
  });

  it("fails a run whose credentials Confluence refuses, saying so", async () => {
    confluence.acceptCredentials(email, "rotated");
    try {
      const run = await runOf("incremental");
      expect(run.status).toBe("failed");
      expect(run.errors[0].message).toContain("Confluence refused the credentials (401)");
    } finally {
      confluence.acceptCredentials(email, apiToken);
    }
  });
});
