import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { eventually, startConnectionCounter, startFakeModelServer, type ConnectionCounter, type FakeModelServer, type GatewayClient } from "@qamesh/testkit";
import { projectMember, projectWithFiles, startHarness, type Harness } from "./standalone-harness.js";

const password = "a-long-user-password-42";
const primaryKey = "sk-primary-7d1f0c9a2b";
const secondaryKey = "sk-secondary-44e2a1";

/**
 * LLM profiles a project admin defines, end to end: two local model servers speaking OpenAI's
 * protocol (driven by the real openai client) on 127.0.0.2, the one network the deployment opens;
 * the server's own network is 127.0.0.1, where a listener counts every connection.
 */
describe("LLM profiles a project admin defines", () => {
  let harness: Harness;
  let primary: FakeModelServer;
  /** An embedding model of the project's, started by the test that switches to it. */
  let embedder: FakeModelServer | undefined;
  let secondary: FakeModelServer;
  const primaryBehaviour = { answer: () => "Primary says: the invoices are printed at night.", embedding: () => [], failWithStatus: undefined as number | undefined };
  let victim: ConnectionCounter;
  let projectId: string;
  let member: GatewayClient;
  const logLines: string[] = [];

  const profiles = () => `/v1/projects/${projectId}/profiles`;
  const answeringProfile = (name: string, server: FakeModelServer, apiKey: string, overrides: Record<string, unknown> = {}) => ({
    name,
    purpose: "answering",
    provider: "openai",
    model: `gpt-${name}`,
    baseUrl: `${server.url}/v1`,
    apiKey,
    parameters: { temperature: 0.2, maxTokens: 300 },
    ...overrides,
  });
  const ask = (project = projectId) => harness.api("POST", `/v1/projects/${project}/ask`, { question: "When are invoices printed?" });
  const chatRequests = (server: FakeModelServer) => server.requests.filter((request) => request.path === "/v1/chat/completions" || request.path === "/api/chat");

  beforeAll(async () => {
    primary = await startFakeModelServer(primaryBehaviour, { host: "127.0.0.2" });
    secondary = await startFakeModelServer({ answer: () => "Secondary says: at night.", embedding: () => [] }, { host: "127.0.0.2" });
    victim = await startConnectionCounter();
    harness = await startHarness({ OUTBOUND_ALLOWED_NETWORKS: "127.0.0.2/32" }, { logLines });
    ({ projectId } = await projectWithFiles(harness, harness.root, "Profiles", { "README.md": "# Invoices\n\nInvoices are printed at night.\n" }));
    member = await projectMember(harness, projectId, "mia", password);
  });

  afterAll(async () => {
    await harness?.stop();
    await Promise.all([primary?.close(), secondary?.close(), victim?.close(), embedder?.close()]);
  });

  let primaryId = "";
  let secondaryId = "";

  it("are defined by project admins only, and no response ever carries a key", async () => {
    expect((await member.api("POST", profiles(), answeringProfile("primary", primary, primaryKey))).status).toBe(403);
    expect((await member.api("GET", profiles())).status).toBe(403);
    const refused = await harness.api("POST", profiles(), { ...answeringProfile("bad", primary, primaryKey), provider: "ollama", baseUrl: undefined });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ field: "baseUrl" });

    const created = await harness.api("POST", profiles(), answeringProfile("primary", primary, primaryKey));
    expect(created.status).toBe(201);
    primaryId = created.body.id;
    expect(created.body).toMatchObject({ name: "primary", purpose: "answering", provider: "openai", model: "gpt-primary", hasApiKey: true, parameters: { temperature: 0.2, maxTokens: 300 } });
    expect(created.body).not.toHaveProperty("apiKey");
    // The fallback is an Ollama server (its own NDJSON protocol, driven by the real ollama client).
    const ollama = { provider: "ollama", model: "llama-secondary", baseUrl: secondary.url, parameters: { contextWindow: 4096 } };
    secondaryId = (await harness.api("POST", profiles(), answeringProfile("secondary", secondary, secondaryKey, ollama))).body.id;
    const listed = await harness.api("GET", profiles());
    const read = await harness.api("GET", `${profiles()}/${primaryId}`);
    // An update without a key keeps it.
    const renamed = await harness.api("PUT", `${profiles()}/${primaryId}`, { ...answeringProfile("primary", primary, primaryKey), apiKey: undefined, name: "primary" });
    expect(renamed.body.hasApiKey).toBe(true);
    // Pointed elsewhere, it does not take the stored key along: the key must be given again.
    const moved = await harness.api("PUT", `${profiles()}/${primaryId}`, { ...answeringProfile("primary", primary, primaryKey), apiKey: undefined, baseUrl: "https://collector.example.net/v1" });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toMatchObject({ field: "apiKey" });
    for (const body of [created.body, listed.body, read.body, renamed.body]) expect(JSON.stringify(body)).not.toMatch(/sk-primary|sk-secondary/);
  });

  it("answers with the project's profile: its key and parameters sent to its provider, the answer naming its model", async () => {
    expect((await harness.api("PUT", `/v1/projects/${projectId}/model-settings`, { answering: primaryId })).body).toMatchObject({ answering: primaryId, fallbacks: [], embedding: null, reindexRequiredSince: null });
    const asked = await ask();
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ answer: expect.stringContaining("Primary says"), provider: "openai:gpt-primary" });
    const [request] = chatRequests(primary).slice(-1);
    expect(request!.headers.authorization).toBe(`Bearer ${primaryKey}`);
    expect(request!.body).toMatchObject({ model: "gpt-primary", temperature: 0.2, max_tokens: 300 });
  });

  it("falls back to the next profile when the first answers 429 or 503, and the answer names the model that wrote it", async () => {
    expect((await harness.api("PUT", `/v1/projects/${projectId}/model-settings`, { answering: primaryId, fallbacks: [secondaryId] })).status).toBe(200);
    for (const status of [429, 503]) {
      primaryBehaviour.failWithStatus = status;
      const before = { primary: chatRequests(primary).length, secondary: chatRequests(secondary).length };
      const asked = await ask();
      expect(asked.status, String(status)).toBe(200);
      expect(asked.body).toMatchObject({ answer: expect.stringContaining("Secondary says"), provider: "ollama:llama-secondary" });
      expect(chatRequests(primary).length - before.primary).toBe(1);
      expect(chatRequests(secondary).length - before.secondary).toBe(1);
      expect(chatRequests(secondary).at(-1)).toMatchObject({ path: "/api/chat", headers: { authorization: `Bearer ${secondaryKey}` }, body: { model: "llama-secondary", options: { num_ctx: 4096 } } });
    }
    // In a chat too: the answer's message names the model that wrote it.
    primaryBehaviour.failWithStatus = 429;
    const chatId = (await harness.api("POST", `/v1/projects/${projectId}/chats`, {})).body.id as string;
    const sent = await harness.api("POST", `/v1/projects/${projectId}/chats/${chatId}/messages`, { content: "When are invoices printed?" }, { prefer: "respond-async" });
    expect(sent.status).toBe(202);
    const answerId = sent.body.message.id as string;
    const written = await eventually(async () => {
      const message = (await harness.api("GET", `/v1/projects/${projectId}/chats/${chatId}/messages/${answerId}`)).body;
      expect(message.status).toBe("completed");
      return message;
    });
    expect(written).toMatchObject({ provider: "ollama:llama-secondary", content: expect.stringContaining("Secondary says") });
    primaryBehaviour.failWithStatus = undefined;
    expect((await ask()).body.provider).toBe("openai:gpt-primary");
  });

  it("never reaches the server's own network through a profile's base URL", async () => {
    const internal = await harness.api("POST", profiles(), answeringProfile("internal", primary, "sk-x", { baseUrl: `http://127.0.0.1:${victim.port}/v1` }));
    expect(internal.status).toBe(201);
    await harness.api("PUT", `/v1/projects/${projectId}/model-settings`, { answering: internal.body.id });
    const asked = await ask();
    expect(asked.status).toBe(503);
    expect(JSON.stringify(asked.body)).not.toContain(String(victim.port));
    expect(victim.connections()).toBe(0);
    await harness.api("PUT", `/v1/projects/${projectId}/model-settings`, { answering: primaryId });
    // A profile in use cannot be deleted; one out of use can.
    expect((await harness.api("DELETE", `${profiles()}/${primaryId}`)).status).toBe(409);
    expect((await harness.api("DELETE", `${profiles()}/${internal.body.id}`)).status).toBe(204);
  });

  it("keeps keys out of the logs, the audit trail and the store, and a sealed key copied to another project does not open", async () => {
    const dump = await readFile(join(harness.root, "data", "llm-profiles.sqlite"));
    expect(dump.includes(primaryKey)).toBe(false);
    expect(dump.includes(secondaryKey)).toBe(false);
    expect(logLines.join("\n")).not.toMatch(/sk-primary|sk-secondary/);
    const audit = await harness.api("GET", `/v1/audit?projectId=${projectId}`);
    expect(audit.body.entries.map((entry: { action: string }) => entry.action)).toEqual(expect.arrayContaining(["profile.created", "profile.updated", "profile.deleted", "model-settings.updated"]));
    expect(JSON.stringify(audit.body)).not.toMatch(/sk-primary|sk-secondary/);

    // Project B's own profile, its sealed key then overwritten with project A's (as someone with the database might).
    const other = (await harness.api("POST", "/v1/projects", { name: "Other" })).body.id as string;
    const theirs = (await harness.api("POST", `/v1/projects/${other}/profiles`, answeringProfile("theirs", secondary, "sk-theirs-1"))).body.id as string;
    await harness.api("PUT", `/v1/projects/${other}/model-settings`, { answering: theirs });
    const store = SqliteDocumentStore.open(join(harness.root, "data", "llm-profiles.sqlite"));
    try {
      const profilesInStore = store.collection<{ id: string; projectId: string; sealedApiKey: string; updatedAt: string }>("llm_profiles");
      const stolen = (await profilesInStore.get(projectId, primaryId))!.sealedApiKey;
      await profilesInStore.put({ ...(await profilesInStore.get(other, theirs))!, sealedApiKey: stolen });
    } finally {
      await store.close();
    }
    const before = chatRequests(secondary).length;
    const asked = await ask(other);
    expect(asked.status).toBeGreaterThanOrEqual(400);
    expect(asked.body.error.message).toContain("does not belong here");
    expect(chatRequests(secondary).length).toBe(before);
  });

  it("indexes the project again with a new embedding model, and says so until it is done", async () => {
    // An embedding model of 8 dimensions (the deployment's default has others): the old vectors cannot stay.
    embedder = await startFakeModelServer({ answer: () => "", embedding: (text) => Array.from({ length: 8 }, (_, i) => 1 + ((text.charCodeAt(i % Math.max(text.length, 1)) || 0) % 7)) }, { host: "127.0.0.2" });
    const profile = await harness.api("POST", profiles(), { name: "small", purpose: "embedding", provider: "openai", model: "embed-8", baseUrl: `${embedder.url}/v1`, dimensions: 8 });
    expect(profile.status).toBe(201);
    const changed = await harness.api("PUT", `/v1/projects/${projectId}/model-settings`, { answering: primaryId, embedding: profile.body.id });
    expect(changed.body).toMatchObject({ embedding: profile.body.id, reindexRequiredSince: expect.any(String), notice: expect.stringContaining("indexed again in full") });
    const run = await eventually(async () => {
      const runs = (await harness.api("GET", `/v1/projects/${projectId}/ingestions`)).body.runs as { trigger: string; status: string; mode: string }[];
      const reindex = runs.find((candidate) => candidate.trigger === "embedding-change");
      expect(reindex?.status).toBe("succeeded");
      return reindex!;
    }, 30_000);
    expect(run.mode).toBe("full");
    await eventually(async () => expect((await harness.api("GET", `/v1/projects/${projectId}/model-settings`)).body).toMatchObject({ reindexRequiredSince: null }));
    expect((await harness.api("GET", `/v1/projects/${projectId}/model-settings`)).body).not.toHaveProperty("notice");
    // The README was embedded by the new model, and search (its query embedded the same way) finds it.
    expect(embedder.requests.some((request) => request.path === "/v1/embeddings" && JSON.stringify(request.body.input).includes("Invoices are printed at night"))).toBe(true);
    const hits = await harness.api("POST", `/v1/projects/${projectId}/search`, { query: "When are invoices printed?" });
    expect(hits.status).toBe(200);
    expect(hits.body.hits.map((hit: { path: string }) => hit.path)).toContain("README.md");
  });

  it("go with their project: deleting it deletes its profiles, their sealed keys and its settings", async () => {
    const doomed = (await harness.api("POST", "/v1/projects", { name: "Doomed" })).body.id as string;
    const profileId = (await harness.api("POST", `/v1/projects/${doomed}/profiles`, answeringProfile("doomed", primary, "sk-doomed-9"))).body.id as string;
    await harness.api("PUT", `/v1/projects/${doomed}/model-settings`, { answering: profileId });
    const store = SqliteDocumentStore.open(join(harness.root, "data", "llm-profiles.sqlite"));
    try {
      expect(await store.collection("llm_profiles").find({ projectId: doomed })).toHaveLength(1);
      expect((await harness.api("DELETE", `/v1/projects/${doomed}`)).status).toBe(204);
      await eventually(async () => {
        expect(await store.collection("llm_profiles").find({ projectId: doomed })).toEqual([]);
        expect(await store.collection("model_settings").find({ projectId: doomed })).toEqual([]);
      });
      expect(await store.collection("llm_profiles").find({ projectId })).not.toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("re-seals every key when a new encryption key is rolled in, and old profiles keep working (one that does not open is left as it is)", async () => {
    const oldKey = (await readFile(join(harness.root, "data", "encryption.key"), "utf8")).trim();
    await harness.restart({ ENCRYPTION_KEYS: `rolled:${randomBytes(32).toString("base64")},${oldKey}` });
    const store = SqliteDocumentStore.open(join(harness.root, "data", "llm-profiles.sqlite"));
    try {
      const record = await store.collection<{ id: string; projectId: string; sealedApiKey: string }>("llm_profiles").get(projectId, primaryId);
      expect(record!.sealedApiKey).toMatch(/^v1\.rolled\./);
    } finally {
      await store.close();
    }
    const asked = await ask();
    expect(asked.body.provider).toBe("openai:gpt-primary");
    expect(chatRequests(primary).at(-1)!.headers.authorization).toBe(`Bearer ${primaryKey}`);
  });
});
