import { once } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayClient } from "@qamesh/api-client";
import { readEventStream } from "./event-stream-reader.js";
import { GitRepositoryFixture } from "./git-repository-fixture.js";

const billingFile = [
  "// Billing reconciliation settings.",
  "export const currency = \"EUR\";",
  "",
  "/**",
  " * The billing reconciler retries failed invoices every 17 minutes,",
  " * at most 5 times, before paging the on-call engineer.",
  " */",
  "export const reconcilerRetryMinutes = 17;",
  "export const reconcilerMaxAttempts = 5;",
  "",
].join("\n");
const answerLine = 5;

const noise = (topic: string, i: number) =>
  Array.from({ length: 30 }, (_, line) => `export function ${topic}Step${line}_${i}(input: number) { return input * ${line} + ${i}; }`).join("\n");

/**
 * Code whose answers hide behind identifiers: the session keeper refreshes the access token only
 * in its method's name; the tokenizer and the access log say "token" and "access" far more often.
 */
const identifierCorpus: Record<string, string> = {
  "src/auth/session-keeper.ts": [
    "export class SessionKeeper {",
    "  constructor(private readonly clock: Clock, private readonly credentials: Credentials) {}",
    "",
    "  /** Called by the HTTP client before each request. */",
    "  async refreshAccessToken(session: Session): Promise<Session> {",
    "    if (session.expiresAt > this.clock.now() + 30_000) return session;",
    "    const next = await this.credentials.exchange(session.grant);",
    "    return { ...session, bearer: next.bearer, expiresAt: next.expiresAt };",
    "  }",
    "}",
    "",
  ].join("\n"),
  "src/search/tokenizer.ts": Array.from({ length: 12 }, (_, i) => `// token ${i}: every token is a token of the text; a token list holds each token\nexport const tokenKind${i} = "token";`).join("\n"),
  "src/logging/access-log.ts": Array.from({ length: 12 }, (_, i) => `// access ${i}: the access log records each access; access lines are written when access ends\nexport const accessField${i} = "access";`).join("\n"),
  "src/billing/ledger.ts": "export function reconcileLedgerEntries(entries: Entry[]): Entry[] {\n  return entries.filter((entry) => entry.amount !== 0);\n}\n",
  "docs/ledger.md": "# Ledger\n\nThe ledger reconciles entries every night; reconciling ledger entries drops the empty ones.\nLedger entries are reconciled, ledger totals are reconciled, entries are kept.\n",
};

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** A running mesh, whichever way it runs, as the end-to-end suite needs it. */
export interface MeshHarness extends GatewayClient {
  /** A scratch directory the mesh may read local sources and file:// repositories from. */
  root: string;
  readonly gatewayUrl: string;
  /** The URL of one more gateway replica in front of the same services; it stops with the mesh. */
  anotherGateway(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The product's end-to-end behaviour through the public API. Standalone and distributed mode
 * both run it; `startMesh` must cap files at 20,000 bytes (MAX_FILE_BYTES) like the corpus expects.
 */
export function describeEndToEnd(mode: string, startMesh: () => Promise<MeshHarness>): void {
  describe(`${mode} mesh, end to end through the public API`, () => {
    let harness: MeshHarness;
    let repository: GitRepositoryFixture;
    let sourceId: string;
    let firstCommit: string;

    beforeAll(async () => {
      harness = await startMesh();
      repository = await GitRepositoryFixture.create(join(harness.root, "repo"));
      await repository.write({
        "services/billing/reconciler-config.ts": billingFile,
        "services/search/ranking.ts": noise("rank", 1),
        "services/search/tokenizer.ts": noise("token", 2),
        "docs/deployment.md": "# Deployment\n\nDeploys go out from the main branch through the release pipeline.\n\nRollbacks use the previous image tag.\n",
        "docs/obsolete.md": "# Obsolete\n\nThis page describes the legacy fax gateway.\n",
        "assets/logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
        "fixtures/huge-dump.json": JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ invoice: i, retried: true }))),
      });
      firstCommit = await repository.commit("initial import");
    });

    afterAll(async () => {
      await harness?.stop();
    });

    it("ingests a git repository and answers with a citation of the file and lines that hold the answer", async () => {
      const project = await harness.api("POST", "/v1/projects", { name: "Billing platform" });
      expect(project.status).toBe(201);
      const projectId = project.body.id as string;

      const source = await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: repository.url, branch: "main" });
      expect(source.status).toBe(201);
      expect(source.body).toMatchObject({ type: "git", url: repository.url, branch: "main" });
      sourceId = source.body.id;

      const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" });
      expect(started.status).toBe(202);
      expect(started.body.status).toBe("queued");

      const run = await harness.waitForRun(projectId, started.body.id);
      expect(run).toMatchObject({
        status: "succeeded",
        // The binary logo and the oversized dump are skipped and counted.
        counts: { discovered: 7, indexed: 5, unchanged: 0, deleted: 0, skipped: 2, failed: 0 },
      });
      expect(run.finishedAt).not.toBeNull();

      const asked = await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "How often does the billing reconciler retry failed invoices?" });
      expect(asked.status).toBe(200);
      expect(asked.body.provider).toBe("extractive");
      expect(asked.body.answer).toContain("No LLM is configured");
      expect(asked.body.answer).toContain("every 17 minutes");
      const [first] = asked.body.citations;
      expect(first).toMatchObject({ path: "services/billing/reconciler-config.ts", sourceId, commit: firstCommit });
      expect(first.startLine).toBeLessThanOrEqual(answerLine);
      expect(first.endLine).toBeGreaterThanOrEqual(answerLine);

      // The same project again: the incremental run re-embeds only what the new commit changed.
      await repository.write({ "docs/deployment.md": "# Deployment\n\nDeployments are frozen on Fridays after 15:00 UTC.\n\nRollbacks use the previous image tag.\n" });
      await repository.remove("docs/obsolete.md");
      const secondCommit = await repository.commit("freeze fridays, drop fax docs");

      const incremental = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "incremental" });
      expect(incremental.status).toBe(202);
      const secondRun = await harness.waitForRun(projectId, incremental.body.id);
      expect(secondRun).toMatchObject({
        status: "succeeded",
        mode: "incremental",
        // Diffed from the commit the first run indexed: only the changed and the removed file are looked at.
        counts: { discovered: 2, indexed: 1, unchanged: 0, deleted: 1, skipped: 0, failed: 0 },
      });

      const frozen = await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "are deployments frozen on fridays", k: 3 });
      expect(frozen.status).toBe(200);
      expect(frozen.body.hits[0]).toMatchObject({ path: "docs/deployment.md", commit: secondCommit });
      expect(frozen.body.hits[0].text).toContain("frozen on Fridays");

      // Untouched files were not re-embedded: their chunks still carry the first commit.
      const billing = await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "billing reconciler retry minutes", k: 1 });
      expect(billing.body.hits[0]).toMatchObject({ path: "services/billing/reconciler-config.ts", commit: firstCommit });

      // The deleted file's chunks are gone.
      const fax = await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "legacy fax gateway", k: 10 });
      expect(fax.body.hits.map((hit: { path: string }) => hit.path)).not.toContain("docs/obsolete.md");

      const runs = await harness.api("GET", `/v1/projects/${projectId}/ingestions`);
      expect(runs.body.runs.map((r: { id: string }) => r.id)).toEqual([incremental.body.id, started.body.id]);
    });

    it("streams the answer as Server-Sent Events: the search as a tool call, tokens, citations, then the final answer", async () => {
      const projects = await harness.api("GET", "/v1/projects");
      const projectId = projects.body.projects[0].id;
      const response = await fetch(`${harness.gatewayUrl}/v1/projects/${projectId}/ask`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", authorization: await harness.authorization() },
        body: JSON.stringify({ question: "How often does the billing reconciler retry failed invoices?" }),
      });
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      const events = (await response.text())
        .split("\n\n")
        .filter(Boolean)
        .map((block) => {
          const [eventLine, dataLine] = block.split("\n");
          return { event: eventLine!.slice("event: ".length), data: JSON.parse(dataLine!.slice("data: ".length)) };
        });
      // Without an LLM the same loop runs: the search is made for the model, seen as a tool call.
      expect(events.slice(0, 2).map((event) => event.event)).toEqual(["tool.started", "tool.finished"]);
      expect(events[0]!.data.tool).toBe("semantic_search");
      expect(events[1]!.data.references.map((reference: { path: string }) => reference.path)).toContain("services/billing/reconciler-config.ts");
      const tokens = events.filter((event) => event.event === "token");
      expect(tokens.length).toBeGreaterThan(1);
      expect(events.at(-2)!.event).toBe("citations");
      const done = events.at(-1)!;
      expect(done.event).toBe("done");
      expect(done.data.answer).toBe(tokens.map((token) => token.data.text).join(""));
      expect(done.data.citations[0].path).toBe("services/billing/reconciler-config.ts");
    });

    it("holds a chat without an LLM: numbered events, resumed on another gateway exactly once, a title, and a follow-up", async () => {
      const projectId = (await harness.api("GET", "/v1/projects")).body.projects[0].id;
      const chatPath = `/v1/projects/${projectId}/chats/${(await harness.api("POST", `/v1/projects/${projectId}/chats`, {})).body.id}`;
      const authorization = await harness.authorization();
      const question = "How often does the billing reconciler retry failed invoices, and how many times?";
      const sent = await fetch(`${harness.gatewayUrl}${chatPath}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", authorization },
        body: JSON.stringify({ content: question }),
      });
      // The client hangs up after three events and comes back through another replica.
      const before = await readEventStream(sent, (_event, received) => received.length < 3);
      const messageId = before[0]!.data.messageId;
      const other = await harness.anotherGateway();
      const after = await readEventStream(await fetch(`${other}${chatPath}/messages/${messageId}/events`, { headers: { authorization, "last-event-id": String(before.at(-1)!.id) } }));
      const all = [...before, ...after];
      expect(all.map((event) => event.id)).toEqual(all.map((_event, index) => index + 1));
      expect(all[0]!.event).toBe("message.started");
      expect(all[1]).toMatchObject({ event: "tool.started", data: { tool: "semantic_search" } });
      const completed = all.at(-1)!;
      expect(completed.event).toBe("message.completed");
      expect(completed.data.message.provider).toBe("extractive");
      expect(completed.data.message.content).toContain("every 17 minutes");
      expect(completed.data.message.citations[0].path).toBe("services/billing/reconciler-config.ts");
      expect(all.filter((event) => event.event === "token").map((event) => event.data.text).join("")).toBe(completed.data.message.content);

      // Over a WebSocket to that other replica: the very same events, as {seq, type, data}.
      const socket = new WebSocket(`${other.replace(/^http/, "ws")}/v1/ws`, { headers: { authorization } });
      const frames: { type: string; event?: unknown }[] = [];
      const ended = new Promise<void>((resolve, reject) => {
        socket.on("message", (data) => {
          const frame = JSON.parse(data.toString());
          frames.push(frame);
          if (frame.type === "end" || frame.type === "error") resolve();
        });
        socket.on("error", reject);
      });
      await once(socket, "open");
      socket.send(JSON.stringify({ type: "subscribe", projectId, chatId: chatPath.split("/").at(-1), messageId, after: 0 }));
      await ended;
      socket.close();
      expect(frames.filter((frame) => frame.type === "event").map((frame) => frame.event)).toEqual(all.map((event) => ({ seq: event.id, type: event.event, data: event.data })));

      const followUp = await harness.api("POST", `${chatPath}/messages`, { content: "How do rollbacks work?" });
      expect(followUp.body.message.status).toBe("completed");
      expect(followUp.body.message.citations[0].path).toBe("docs/deployment.md");
      const chat = (await harness.api("GET", chatPath)).body;
      // Offline, the first message names the chat.
      expect(chat.title).toBe("How often does the billing reconciler retry failed…");
      expect(chat.messages.map((message: { role: string }) => message.role)).toEqual(["user", "assistant", "user", "assistant"]);
    });

    it("ranks first the code behind an identifier a question only paraphrases, and the one a question names exactly", async () => {
      const folder = join(harness.root, "identifiers");
      await writeFiles(folder, identifierCorpus);
      const project = await harness.api("POST", "/v1/projects", { name: "Identifiers" });
      const projectId = project.body.id as string;
      await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: folder });
      const started = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" });
      expect(await harness.waitForRun(projectId, started.body.id)).toMatchObject({ status: "succeeded" });
      const search = async (body: Record<string, unknown>) => (await harness.api("POST", `/v1/projects/${projectId}/search`, { k: 5, ...body })).body.hits as Record<string, unknown>[];
      const first = async (query: string, mode?: string) => (await search({ query, ...(mode ? { mode } : {}) }))[0] as { path: string; startLine: number; endLine: number };

      // Words alone: the files that say "token" and "access" most, not the one that refreshes it.
      expect((await first("where is the access token refreshed when it expires?", "vector")).path).not.toBe("src/auth/session-keeper.ts");
      const paraphrased = await first("where is the access token refreshed when it expires?");
      expect(paraphrased.path).toBe("src/auth/session-keeper.ts");
      expect(paraphrased.startLine).toBeLessThanOrEqual(5);
      expect(paraphrased.endLine).toBeGreaterThanOrEqual(5);
      expect((await first("reconcileLedgerEntries")).path).toBe("src/billing/ledger.ts");

      // Hits say what they define, and a search can be narrowed to a language or a kind of symbol.
      expect(paraphrased).toMatchObject({ symbol: "SessionKeeper", symbolKind: "class", language: "typescript" });
      const docs = await search({ query: "reconcile ledger entries", filter: { language: "markdown" } });
      expect(docs.map((hit) => hit.path)).toEqual(["docs/ledger.md"]);
      expect(docs[0]).toMatchObject({ symbol: "Ledger", symbolKind: "section" });
      const functions = await search({ query: "ledger entries", filter: { symbolKind: "function" } });
      expect(functions.map((hit) => hit.path)).toEqual(["src/billing/ledger.ts"]);
      const invalid = await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "ledger", mode: "fuzzy" });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.message).toContain("mode");
    });

    it("keeps projects apart: another project's search finds nothing of the first", async () => {
      const other = await harness.api("POST", "/v1/projects", { name: "Other" });
      const hits = await harness.api("POST", `/v1/projects/${other.body.id}/search`, { query: "billing reconciler", k: 5 });
      expect(hits.status).toBe(200);
      expect(hits.body.hits).toEqual([]);
    });
  });
}
