import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  FakeConfluenceServer,
  FakeGitHubServer,
  FakeGitLabServer,
  FakeJiraServer,
  gatewayClient,
  GitRepositoryFixture,
  temporaryDirectory,
  type GatewayClient,
} from "@qamesh/testkit";
import { LanceVectorIndex } from "@qamesh/vector-lance";
import { MeshProcesses } from "./mesh-processes.js";

/** A provider with some documents (each with one comment) behind a local server speaking its API. */
interface Provider {
  /** The body that adds it as a source. */
  source: Record<string, unknown>;
  /** Document keys, as the index keys them. */
  keys: string[];
  /** Counts as the run should report them. */
  expected: Record<string, number>;
  /** Requests that read one document: the run's progress as the provider sees it. */
  documentReads(): number;
  /** Requests for a page of the listing of documents (100 to a page). */
  listingRequests(): number;
  setDelay(ms: number): void;
  stop(): Promise<void>;
}

const numbered = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

const providers: Record<string, (root: string, documentCount: number) => Promise<Provider>> = {
  async github(root, documentCount) {
    const numbers = numbered(documentCount);
    const gitRoot = join(root, "github");
    const repository = await GitRepositoryFixture.create(join(gitRoot, "acme", "api.git"), "main");
    await repository.write({ "README.md": "# API\n" });
    await repository.commit("first");
    const server = await FakeGitHubServer.start(gitRoot);
    for (const number of numbers) {
      server.putIssue("acme", "api", { number, title: `Incident ${number}`, body: `The gateway returned 502 for region ${number}.`, user: "ops", state: "closed", comments: [{ id: 10_000 + number, body: `Root cause of incident ${number}: a stale DNS entry.`, user: "sre", createdAt: "2026-11-01T10:00:00Z" }] });
    }
    return {
      source: { type: "github", owner: "acme", repo: "api", baseUrl: server.url },
      keys: numbers.map((number) => `#${number}`),
      expected: { files: 1, issues: documentCount, comments: documentCount },
      documentReads: () => server.requests.filter((request) => request.endsWith("/comments?per_page=100")).length,
      listingRequests: () => server.requests.filter((request) => request.includes("/repos/acme/api/issues?")).length,
      setDelay: (ms) => (server.responseDelayMs = ms),
      stop: () => server.stop(),
    };
  },
  async gitlab(root, documentCount) {
    const numbers = numbered(documentCount);
    const server = await FakeGitLabServer.start(join(root, "gitlab"));
    for (const iid of numbers) server.put("acme/api", "issues", { iid, title: `Incident ${iid}`, description: `The gateway returned 502 for region ${iid}.`, author: "ops", state: "closed", notes: [{ id: 20_000 + iid, body: `Root cause of incident ${iid}: a stale DNS entry.`, author: "sre", createdAt: "2026-11-01T10:00:00Z" }] });
    return {
      source: { type: "gitlab", project: "acme/api", baseUrl: server.url, include: { code: false, issues: true, mergeRequests: false } },
      keys: numbers.map((iid) => `#${iid}`),
      expected: { issues: documentCount, comments: documentCount },
      documentReads: () => server.requests.filter((request) => /\/notes\?/.test(request)).length,
      listingRequests: () => server.requests.filter((request) => request.includes("/projects/acme%2Fapi/issues?")).length,
      setDelay: (ms) => (server.responseDelayMs = ms),
      stop: () => server.stop(),
    };
  },
  async jira(_root, documentCount) {
    const numbers = numbered(documentCount);
    const server = await FakeJiraServer.start("bot@example.com", "token-0123456789");
    for (const number of numbers) {
      server.put({ key: `OPS-${number}`, summary: `Incident ${number}`, description: `The gateway returned 502 for region ${number}.`, reporter: "Ops", comments: [{ id: String(30_000 + number), body: `Root cause of incident ${number}: a stale DNS entry.`, author: "SRE", created: "2026-11-01T10:00:00.000+0000" }] });
    }
    return {
      source: { type: "jira", baseUrl: server.url, jql: "project = OPS", email: "bot@example.com", apiToken: "token-0123456789" },
      keys: numbers.map((number) => `OPS-${number}`),
      expected: { issues: documentCount, comments: documentCount },
      documentReads: () => server.requests.filter((request) => /\/comment\?/.test(request)).length,
      listingRequests: () => server.requests.filter((request) => request.includes("/search/jql?")).length,
      setDelay: (ms) => (server.responseDelayMs = ms),
      stop: () => server.stop(),
    };
  },
  async confluence(_root, documentCount) {
    const numbers = numbered(documentCount);
    const server = await FakeConfluenceServer.start("bot@example.com", "token-0123456789");
    // Edited over hours, as a real space is: a listing resumed from a time then skips the pages before it.
    server.backdate(Date.now() - 24 * 3_600_000, 60_000);
    for (const number of numbers) {
      server.put({ id: String(4000 + number), space: "OPS", title: `Incident ${number}`, body: `<h2>What happened</h2><p>The gateway returned 502 for region ${number}.</p>`, author: "Ops", comments: [{ id: String(50_000 + number), body: `<p>Root cause of incident ${number}: a stale DNS entry.</p>`, author: "SRE" }] });
    }
    return {
      source: { type: "confluence", baseUrl: server.siteUrl, spaces: ["OPS"], email: "bot@example.com", apiToken: "token-0123456789" },
      keys: numbers.map((number) => `page:${4000 + number}`),
      expected: { pages: documentCount, comments: documentCount },
      documentReads: () => server.requests.filter((request) => request.includes("/child/comment")).length,
      listingRequests: () => server.requests.filter((request) => request.includes("/rest/api/search?")).length,
      setDelay: (ms) => (server.responseDelayMs = ms),
      stop: () => server.stop(),
    };
  },
};

describe("a connector worker killed (SIGKILL) in the middle of a run (one process per service)", () => {
  const directory = temporaryDirectory("connector-crash");
  let mesh: MeshProcesses;
  let client: GatewayClient;

  beforeAll(async () => {
    const outbound = { OUTBOUND_ALLOWED_NETWORKS: "127.0.0.0/8" };
    mesh = await MeshProcesses.start((await directory).path, { ingestion: outbound, "connector-worker": { ...outbound, INGESTION_BATCH_SIZE: "4" } });
    client = gatewayClient(() => mesh.url);
  }, 120_000);

  afterAll(async () => {
    mesh?.killAll();
    await (await directory).remove();
  });

  /**
   * Starts a full run of a new source of the provider's, kills the worker once `killWhen` holds
   * (the provider answering slowly until then), starts it again and waits for the run; then
   * checks exact counts and that every document is in the index, each chunk once. Returns the
   * provider's request counts at the crash.
   */
  async function runThroughACrash(name: string, provider: Provider, documentCount: number, delayMs: number, killWhen: () => void): Promise<{ documentReads: number; listingRequests: number }> {
    const root = (await directory).path;
    const projectId = (await client.api("POST", "/v1/projects", { name: `${name} crash` })).body.id;
    expect((await client.api("POST", `/v1/projects/${projectId}/sources`, provider.source)).status).toBe(201);
    provider.setDelay(delayMs);
    const started = (await client.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" })).body;
    await eventually(killWhen, 30_000, 20);
    await mesh.kill("connector-worker");
    const atTheCrash = { documentReads: provider.documentReads(), listingRequests: provider.listingRequests() };
    expect((await client.api("GET", `/v1/projects/${projectId}/ingestions/${started.id}`)).body.status).not.toBe("succeeded");
    provider.setDelay(0);
    mesh.startService("connector-worker");
    await mesh.ready();

    const run = await client.waitForRun(projectId, started.id, 120_000);
    const files = provider.expected.files ?? 0;
    expect(run).toMatchObject({ status: "succeeded", counts: { discovered: documentCount + files, indexed: documentCount + files, failed: 0, indexedByKind: provider.expected } });
    // Ids are positions in a document's version, so a batch done twice overwrote its chunks.
    const index = await LanceVectorIndex.open(join(root, "data", "vectors"));
    const chunks = await index.list(projectId, {}).finally(() => index.close());
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(chunks.length);
    const documents = [...new Set(chunks.map((chunk) => chunk.path).filter((path) => provider.keys.includes(path)))];
    expect(documents.sort()).toEqual([...provider.keys].sort());
    return atTheCrash;
  }

  for (const [name, start] of Object.entries(providers)) {
    it(`${name}: killed while reading documents, resumes after a restart and completes with exact counts, every document in the index, each chunk once`, async () => {
      const documentCount = 40;
      const provider = await start(join((await directory).path, `${name}-reading`), documentCount);
      try {
        // Some batches done and written to the index, others in flight: then the worker dies without a word.
        const atTheCrash = await runThroughACrash(name, provider, documentCount, 60, () => expect(provider.documentReads()).toBeGreaterThanOrEqual(24));
        // Resumed, not restarted: the batches done before the crash were not read again.
        expect(provider.documentReads()).toBeLessThan(atTheCrash.documentReads + documentCount);
      } finally {
        await provider.stop();
      }
    }, 180_000);

    it(`${name}: killed while listing documents, resumes the listing from its last page`, async () => {
      const documentCount = 250;
      const provider = await start(join((await directory).path, `${name}-listing`), documentCount);
      try {
        // The first page of three is handled (its batches out) when the second is asked for: then the worker dies.
        const atTheCrash = await runThroughACrash(name, provider, documentCount, 400, () => expect(provider.listingRequests()).toBeGreaterThanOrEqual(2));
        // Listing again from the start would take all three pages; resumed, it takes the last two at most.
        expect(atTheCrash.listingRequests).toBe(2);
        expect(provider.listingRequests()).toBeLessThanOrEqual(4);
      } finally {
        await provider.stop();
      }
    }, 240_000);
  }
});
