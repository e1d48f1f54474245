import { join } from "node:path";
import { describe, beforeAll, afterAll, expect, it } from "vitest";
import type { MeshHarness } from "./end-to-end-suite.js";
import { eventually } from "./eventually.js";
import { GitRepositoryFixture } from "./git-repository-fixture.js";
import { githubDelivery, githubPush, gitlabDelivery, gitlabPush, type WebhookRequest } from "./webhook-deliveries.js";

const secret = "a-webhook-secret-of-some-length";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped API responses
type ApiBody = Record<string, any>;

/**
 * Push webhooks through the public API: what a repository host's deliveries do to a git source.
 * Standalone and distributed mode both run it.
 */
export function describePushWebhooks(mode: string, startMesh: () => Promise<MeshHarness>): void {
describe(`${mode}: push webhooks bring a git source up to date with exactly what changed`, () => {
  let harness: MeshHarness;
  let repository: GitRepositoryFixture;
  let projectId: string;
  let sourceId: string;
  let head: string;

  const deliver = async (target: string, request: WebhookRequest) => {
    const response = await fetch(`${harness.gatewayUrl}/v1/webhooks/${target}`, { method: "POST", headers: request.headers, body: request.body });
    return { status: response.status, body: (await response.json()) as ApiBody };
  };
  const runsOf = async (project: string) => (await harness.api("GET", `/v1/projects/${project}/ingestions`)).body.runs as ApiBody[];
  const search = async (query: string, k = 3) => (await harness.api("POST", `/v1/projects/${projectId}/search`, { query, k })).body.hits as ApiBody[];
  /** Commits a change and delivers GitHub's push of it; waits for the run it started. */
  const pushAndDeliver = async (files: Record<string, string>, message: string) => {
    const before = head;
    await repository.write(files);
    head = await repository.commit(message);
    const receipt = await deliver(sourceId, githubDelivery(secret, "push", githubPush({ branch: "main", before, after: head })));
    expect(receipt).toMatchObject({ status: 202, body: { status: "accepted", event: "push" } });
    return harness.waitForRun(projectId, receipt.body.runId);
  };

  beforeAll(async () => {
    harness = await startMesh();
    repository = await GitRepositoryFixture.create(join(harness.root, "repository"), "main");
    const files: Record<string, string> = {};
    for (let index = 0; index < 30; index++) files[`src/module-${index}.ts`] = `export const value${index} = ${index};\n`;
    await repository.write({ ...files, "docs/oncall.md": "# On-call\n\nThe pager rotates every Wednesday.\n" });
    head = await repository.commit("first");
    projectId = (await harness.api("POST", "/v1/projects", { name: "Webhooks" })).body.id;
    const created = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: repository.url, branch: "main", webhookSecret: secret });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ hasWebhookSecret: true, webhookUrl: `/v1/webhooks/${created.body.id}` });
    expect(JSON.stringify(created.body)).not.toContain(secret);
    sourceId = created.body.id;
    const first = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, {});
    expect((await harness.waitForRun(projectId, first.body.id)).counts.indexed).toBe(31);
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("re-indexes only the files a signed push changed, and removes deleted ones", async () => {
    await repository.remove("src/module-3.ts");
    const run = await pushAndDeliver({ "docs/oncall.md": "# On-call\n\nThe pager rotates every Friday at nine.\n", "src/added.ts": "export const added = true;\n" }, "friday rotation");
    expect(run).toMatchObject({ status: "succeeded", trigger: "webhook", counts: { discovered: 3, indexed: 2, deleted: 1, failed: 0 } });
    expect((await search("when does the pager rotate"))[0]).toMatchObject({ path: "docs/oncall.md", commit: head, text: expect.stringContaining("Friday") });
    expect((await search("value3"))[0]?.path).not.toBe("src/module-3.ts");
  });

  it("refuses a missing or wrong signature with 401 and queues nothing", async () => {
    const before = (await runsOf(projectId)).length;
    const payload = githubPush({ branch: "main", before: head, after: head });
    expect((await deliver(sourceId, githubDelivery(undefined, "push", payload))).status).toBe(401);
    expect((await deliver(sourceId, githubDelivery("not-the-secret-at-all-no", "push", payload))).status).toBe(401);
    const tampered = githubDelivery(secret, "push", payload);
    expect((await deliver(sourceId, { ...tampered, body: tampered.body.replace("main", "mainx") })).status).toBe(401);
    expect((await deliver(sourceId, { headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(401);
    expect(await runsOf(projectId)).toHaveLength(before);
  });

  it("acts on one delivery once, however often it is delivered", async () => {
    const before = head;
    await repository.write({ "src/module-7.ts": "export const value7 = 'seven';\n" });
    head = await repository.commit("seven");
    const delivery = githubDelivery(secret, "push", githubPush({ branch: "main", before, after: head }));
    const first = await deliver(sourceId, delivery);
    const again = await deliver(sourceId, delivery);
    expect(first.body.status).toBe("accepted");
    expect(again.body).toMatchObject({ status: "duplicate", runId: null });
    const run = await harness.waitForRun(projectId, first.body.runId);
    expect(run.counts).toMatchObject({ indexed: 1, discovered: 1 });
    expect((await runsOf(projectId)).filter((each) => each.trigger === "webhook" && each.createdAt >= run.createdAt)).toHaveLength(1);
  });

  it("handles a force push by diffing from the indexed commit, not from `before`", async () => {
    const published = head;
    // The experimental commit is indexed, then history is rewritten without it.
    await pushAndDeliver({ "src/feature.ts": "export const feature = 'experimental toggles';\n" }, "experimental");
    const dropped = head;
    await repository.resetHard(published);
    await repository.write({ "src/feature.ts": "export const feature = 'stable flags';\n" });
    const rewritten = await repository.commit("stable");
    const receipt = await deliver(sourceId, githubDelivery(secret, "push", githubPush({ branch: "main", before: dropped, after: rewritten, forced: true })));
    head = rewritten;
    const run = await harness.waitForRun(projectId, receipt.body.runId);
    expect(run).toMatchObject({ status: "succeeded", counts: { indexed: 1 } });
    const hits = await search("feature flags toggles");
    expect(hits.find((hit) => hit.path === "src/feature.ts")).toMatchObject({ commit: rewritten, text: expect.stringContaining("stable flags") });
  });

  it("ignores pushes to other branches and reports a deleted branch instead of applying it", async () => {
    const before = (await runsOf(projectId)).length;
    const other = await deliver(sourceId, githubDelivery(secret, "push", githubPush({ branch: "feature", before: head, after: head })));
    expect(other).toMatchObject({ status: 202, body: { status: "ignored", runId: null, reason: expect.stringContaining("refs/heads/feature") } });
    const star = await deliver(sourceId, githubDelivery(secret, "star", { action: "created" }));
    expect(star.body.status).toBe("ignored");
    expect(await runsOf(projectId)).toHaveLength(before);

    const deleted = await deliver(sourceId, githubDelivery(secret, "push", githubPush({ branch: "main", before: head, after: head, deleted: true })));
    expect(deleted.body).toMatchObject({ status: "reported", reason: expect.stringContaining("deleted") });
    const reported = (await harness.api("GET", `/v1/projects/${projectId}/ingestions/${deleted.body.runId}`)).body;
    expect(reported).toMatchObject({ status: "failed", trigger: "webhook", errors: [{ sourceId, message: expect.stringContaining("deleted upstream") }] });
    expect((await search("when does the pager rotate"))[0]?.path).toBe("docs/oncall.md");
  });

  it("takes GitLab's push hook, authenticated by X-Gitlab-Token", async () => {
    const before = head;
    await repository.write({ "docs/gitlab.md": "Merge trains run on the release branch.\n" });
    head = await repository.commit("gitlab");
    const payload = gitlabPush({ branch: "main", before, after: head });
    expect((await deliver(sourceId, gitlabDelivery("wrong-token-wrong-token", "Push Hook", payload))).status).toBe(401);
    const receipt = await deliver(sourceId, gitlabDelivery(secret, "Push Hook", payload));
    expect(receipt.body.status).toBe("accepted");
    expect((await harness.waitForRun(projectId, receipt.body.runId)).counts).toMatchObject({ indexed: 1 });
    expect((await search("merge trains release branch"))[0]?.path).toBe("docs/gitlab.md");
  });

  it("never runs two webhook runs of a source at once: a push during a run is queued behind it, and nothing is missed", async () => {
    const receipts = [];
    for (let index = 0; index < 4; index++) {
      const before = head;
      await repository.write({ [`src/burst-${index}.ts`]: `export const burst${index} = "burst number ${index}";\n` });
      head = await repository.commit(`burst ${index}`);
      receipts.push(await deliver(sourceId, githubDelivery(secret, "push", githubPush({ branch: "main", before, after: head }))));
    }
    for (const receipt of receipts) expect(["accepted", "queued"]).toContain(receipt.body.status);
    await eventually(async () => {
      const hits = await search("burst number 3", 10);
      expect(hits.map((hit) => hit.path)).toContain("src/burst-3.ts");
      const runs = (await runsOf(projectId)).filter((run) => run.trigger === "webhook" && run.status !== "failed");
      expect(runs.every((run) => run.status === "succeeded")).toBe(true);
    }, 30_000);
    const webhookRuns = (await runsOf(projectId)).filter((run) => run.trigger === "webhook" && run.startedAt !== run.finishedAt);
    const spans = webhookRuns.map((run) => [Date.parse(run.createdAt), Date.parse(run.finishedAt)] as const).sort((a, b) => a[0] - b[0]);
    for (let index = 1; index < spans.length; index++) expect(spans[index]![0]).toBeGreaterThanOrEqual(spans[index - 1]![1]);
    const paths = (await search("burst number", 20)).map((hit) => hit.path);
    for (let index = 0; index < 4; index++) expect(paths).toContain(`src/burst-${index}.ts`);
  });

  it("keeps a webhook for a source of one project from touching another", async () => {
    const other = (await harness.api("POST", "/v1/projects", { name: "Other" })).body.id;
    const otherRepository = await GitRepositoryFixture.create(join(harness.root, "other-repository"), "main");
    await otherRepository.write({ "README.md": "Other project.\n" });
    const otherHead = await otherRepository.commit("other");
    const otherSource = await harness.api("POST", `/v1/projects/${other}/sources`, { type: "git", url: otherRepository.url, webhookSecret: "the-other-projects-secret" });
    // Project A's secret does not open B's source, nor B's secret A's.
    const payload = githubPush({ branch: "main", before: otherHead, after: otherHead });
    expect((await deliver(otherSource.body.id, githubDelivery(secret, "push", payload))).status).toBe(401);
    expect((await deliver(sourceId, githubDelivery("the-other-projects-secret", "push", payload))).status).toBe(401);
    const accepted = await deliver(otherSource.body.id, githubDelivery("the-other-projects-secret", "push", payload));
    expect(accepted.body.status).toBe("accepted");
    expect((await harness.api("GET", `/v1/projects/${projectId}/ingestions/${accepted.body.runId}`)).status).toBe(404);
    expect((await harness.waitForRun(other, accepted.body.runId)).sourceIds).toEqual([otherSource.body.id]);
    // A source without a secret, and one that does not exist, take no deliveries.
    const plain = await harness.api("POST", `/v1/projects/${other}/sources`, { type: "local", path: harness.root });
    expect((await deliver(plain.body.id, githubDelivery(secret, "push", payload))).status).toBe(404);
    expect((await deliver("s-0000000000", githubDelivery(secret, "push", payload))).status).toBe(404);
  });

  it("sets, rotates and removes a webhook secret, never showing it", async () => {
    const rotated = await harness.api("PATCH", `/v1/projects/${projectId}/sources/${sourceId}`, { webhookSecret: "a-rotated-secret-of-length" });
    expect(rotated).toMatchObject({ status: 200, body: { hasWebhookSecret: true } });
    const payload = githubPush({ branch: "feature", before: head, after: head });
    expect((await deliver(sourceId, githubDelivery(secret, "push", payload))).status).toBe(401);
    expect((await deliver(sourceId, githubDelivery("a-rotated-secret-of-length", "push", payload))).status).toBe(202);
    expect((await harness.api("PATCH", `/v1/projects/${projectId}/sources/${sourceId}`, { webhookSecret: "short" })).body.error).toMatchObject({ field: "webhookSecret" });
    const removed = await harness.api("PATCH", `/v1/projects/${projectId}/sources/${sourceId}`, { webhookSecret: null });
    expect(removed.body).toMatchObject({ hasWebhookSecret: false, webhookUrl: null });
    expect((await deliver(sourceId, githubDelivery("a-rotated-secret-of-length", "push", payload))).status).toBe(404);
    const local = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: join(harness.root, "repository", "docs"), webhookSecret: secret });
    expect(local).toMatchObject({ status: 400, body: { error: { field: "webhookSecret" } } });
  });
});
}
