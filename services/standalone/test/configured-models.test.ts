import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { eventually, startFakeModelServer, type FakeModelBehaviour, type FakeModelServer, type ScriptedReply, type WireMessage } from "@qamesh/testkit";
import { projectModelsClient } from "@qamesh/mesh-clients";
import type { CompletionEvent } from "@qamesh/ports";
import { asMeshPrincipal, distractorFiles, projectWithFiles, startHarness, type Harness } from "./standalone-harness.js";

/** Searches first, then cites whichever numbered passage of the results mentions retries, like an agent would. */
function agentAnswer(messages: WireMessage[]): string | ScriptedReply {
  const results = messages.filter((message) => message.role === "tool").map((message) => String(message.content));
  if (results.length === 0) return { toolCalls: [{ name: "semantic_search", arguments: JSON.stringify({ query: String(messages.at(-1)!.content) }) }] };
  const passages = results.join("\n\n").split(/\n\n(?=\[\d+\] )/);
  const cited = passages.find((passage) => passage.includes("17 minutes"))?.match(/^\[(\d+)\]/)?.[1];
  return cited ? `Failed invoices are retried every 17 minutes [${cited}].` : "I could not find it.";
}

describe("standalone with an OpenAI-compatible LLM configured", () => {
  let model: FakeModelServer;
  let harness: Harness;
  let projectId: string;

  beforeAll(async () => {
    model = await startFakeModelServer({ answer: agentAnswer, embedding: () => [] });
    harness = await startHarness({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${model.url}/v1`, LLM_MODEL: "gpt-test", LLM_API_KEY: "sk-test" });
    ({ projectId } = await projectWithFiles(harness, harness.root, "LLM", { "billing.md": "# Billing\n\nFailed invoices are retried every 17 minutes.\n", ...distractorFiles }));
  });

  afterAll(async () => {
    await harness?.stop();
    await model?.close();
  });

  it("answers with the model's words and leads the citations with the passage it cited", async () => {
    const asked = await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "How often are failed invoices retried?" });
    expect(asked.status).toBe(200);
    expect(asked.body.provider).toBe("openai:gpt-test");
    expect(asked.body.answer).toMatch(/^Failed invoices are retried every 17 minutes \[\d\]\.$/);
    expect(asked.body.citations).toHaveLength(1);
    expect(asked.body.citations[0]).toMatchObject({ path: "billing.md", startLine: 1, endLine: 3 });
    expect(model.requests.at(-1)!.headers.authorization).toBe("Bearer sk-test");
  });

  it("carries tools to the model and its tool calls and token counts back through the mesh (llm-profiles over gRPC)", async () => {
    const calling = await startFakeModelServer({
      answer: (messages) =>
        messages.at(-1)!.role === "tool"
          ? { text: `It says: ${messages.at(-1)!.content}`, usage: { promptTokens: 90, completionTokens: 6 } }
          : { toolCalls: [{ name: "open_file", arguments: JSON.stringify({ path: "billing.md", startLine: 1 }) }], usage: { promptTokens: 80, completionTokens: 12 } },
      embedding: () => [],
    });
    const mesh = await startHarness({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${calling.url}/v1`, LLM_MODEL: "gpt-tools" });
    const models = projectModelsClient(`127.0.0.1:${mesh.running.grpcPorts["llm-profiles"]}`);
    try {
      const member = { kind: "user", userId: "u1", username: "alice", globalRole: "user", project: { id: "p1", role: "member" } } as const;
      const tools = [{ name: "open_file", description: "numbered lines of a file", parametersJsonSchema: { type: "object", properties: { path: { type: "string" } } } }];
      const collect = async (stream: AsyncIterable<CompletionEvent>) => {
        const all: CompletionEvent[] = [];
        for await (const event of stream) all.push(event);
        return all;
      };
      const first = await asMeshPrincipal(mesh, member, () => collect(models.complete("p1", { messages: [{ role: "user", content: "How often?" }], documents: [], tools })));
      const call = first.find((event) => event.type === "tool_call")!;
      expect(call).toMatchObject({ type: "tool_call", call: { name: "open_file", argumentsJson: JSON.stringify({ path: "billing.md", startLine: 1 }) } });
      expect(first).toContainEqual({ type: "usage", promptTokens: 80, completionTokens: 12 });
      expect(calling.requests.at(-1)!.body.tools[0].function).toEqual({ name: "open_file", description: "numbered lines of a file", parameters: tools[0]!.parametersJsonSchema });
      expect(await asMeshPrincipal(mesh, member, () => models.describe("p1"))).toEqual({ provider: "openai", model: "gpt-tools", callsTools: true });

      const { call: asked } = call as Extract<CompletionEvent, { type: "tool_call" }>;
      const second = await asMeshPrincipal(mesh, member, () =>
        collect(
          models.complete("p1", {
            messages: [
              { role: "user", content: "How often?" },
              { role: "assistant", content: "", toolCalls: [asked] },
              { role: "tool", toolCallId: asked.id, toolName: asked.name, content: "3: every 17 minutes" },
            ],
            documents: [],
            tools,
          }),
        ),
      );
      expect(second.filter((event) => event.type === "text").map((event) => event.text).join("")).toBe("It says: 3: every 17 minutes");
      expect(calling.requests.at(-1)!.body.messages.slice(-2)).toEqual([
        { role: "assistant", content: null, tool_calls: [{ id: asked.id, type: "function", function: { name: "open_file", arguments: asked.argumentsJson } }] },
        { role: "tool", tool_call_id: asked.id, content: "3: every 17 minutes" },
      ]);
    } finally {
      models.close();
      await mesh.stop();
      await calling.close();
    }
  });

  it("reports a failing model as 503 with the reason, and as an error event when streaming", async () => {
    model.requests.length = 0;
    const failing = await startFakeModelServer({ answer: () => "", embedding: () => [], failWithStatus: 500 });
    const broken = await startHarness({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${failing.url}/v1`, LLM_MODEL: "gpt-test" });
    try {
      const project = await broken.api("POST", "/v1/projects", { name: "broken" });
      const asked = await broken.api("POST", `/v1/projects/${project.body.id}/ask`, { question: "anything?" });
      expect(asked.status).toBe(503);
      expect(asked.body.error.message).toContain("the language model (openai:gpt-test) failed");
      const streamed = await broken.api("POST", `/v1/projects/${project.body.id}/ask`, { question: "anything?" }, { accept: "text/event-stream" });
      expect(streamed.status).toBe(200);
      expect(streamed.body).toContain("event: error");
      expect(streamed.body).toContain("the language model (openai:gpt-test) failed");
    } finally {
      await broken.stop();
      await failing.close();
    }
  });
});

describe("standalone with an OpenAI-compatible embedding model that goes down", () => {
  it("ends the run failed with the reason, keeps serving, and indexes the files once the model is back", async () => {
    const behaviour: FakeModelBehaviour = { answer: () => "", embedding: (text) => [text.length % 7, 1, 0.5], failWithStatus: 503 };
    const model = await startFakeModelServer(behaviour);
    const harness = await startHarness({
      EMBEDDING_PROVIDER: "openai",
      EMBEDDING_BASE_URL: `${model.url}/v1`,
      EMBEDDING_MODEL: "embed-test",
      INDEXING_RETRY_ATTEMPTS: "2",
      INDEXING_RETRY_BACKOFF_MS: "10",
    });
    try {
      const docs = join(harness.root, "docs");
      await mkdir(docs, { recursive: true });
      await writeFile(join(docs, "a.md"), "# A\n\nAlpha.\n");
      await writeFile(join(docs, "b.md"), "# B\n\nBravo.\n");
      const project = await harness.api("POST", "/v1/projects", { name: "flaky embeddings" });
      await harness.api("POST", `/v1/projects/${project.body.id}/sources`, { type: "local", path: docs });

      const first = await harness.api("POST", `/v1/projects/${project.body.id}/ingestions`, {});
      const failed = await harness.waitForRun(project.body.id, first.body.id);
      expect(failed).toMatchObject({ status: "failed", counts: { discovered: 2, indexed: 0, failed: 2 } });
      expect(failed.errors[0].message).toContain("could not embed or index the file");
      expect(failed.errors[0].message).toContain("the embedding model failed");
      expect((await harness.api("GET", "/ready")).status).toBe(200);

      delete behaviour.failWithStatus;
      const second = await harness.api("POST", `/v1/projects/${project.body.id}/ingestions`, { mode: "incremental" });
      const recovered = await harness.waitForRun(project.body.id, second.body.id);
      expect(recovered).toMatchObject({ status: "succeeded", counts: { discovered: 2, indexed: 2, unchanged: 0, failed: 0 } });
      expect(model.requests.some((request) => request.path === "/v1/embeddings" && request.body.model === "embed-test")).toBe(true);
    } finally {
      await harness.stop();
      await model.close();
    }
  });
});

describe("a client that hangs up mid-answer", () => {
  it("stops the model's work too", async () => {
    const model = await startFakeModelServer({ answer: () => "word ".repeat(400), embedding: () => [], pieceDelayMs: 20 });
    const harness = await startHarness({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${model.url}/v1`, LLM_MODEL: "slow" });
    try {
      const project = await harness.api("POST", "/v1/projects", { name: "hang up" });
      const client = new AbortController();
      const response = await fetch(`${harness.running.gatewayUrl}/v1/projects/${project.body.id}/ask`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", authorization: await harness.authorization() },
        body: JSON.stringify({ question: "talk for a long time" }),
        signal: client.signal,
      });
      const reader = response.body!.getReader();
      let received = "";
      while (!received.includes("event: token")) received += new TextDecoder().decode((await reader.read()).value);
      client.abort();
      await eventually(() => expect(model.requests.find((request) => request.path === "/v1/chat/completions")?.cancelled).toBe(true));
    } finally {
      await harness.stop();
      await model.close();
    }
  });
});
