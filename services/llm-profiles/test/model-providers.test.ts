import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Embedder, Llm } from "@qamesh/ports";
import { startFakeModelServer, type FakeModelServer } from "@qamesh/testkit";
import { OllamaEmbedder } from "../src/providers/ollama-embedder.js";
import { OllamaLlm } from "../src/providers/ollama-llm.js";
import { OpenAiEmbedder } from "../src/providers/openai-embedder.js";
import { OpenAiLlm } from "../src/providers/openai-llm.js";

const request = {
  messages: [{ role: "user" as const, content: "How often are invoices retried?" }],
  documents: [
    { title: "docs/ops.md:1-3", text: "Deploys happen on Mondays." },
    { title: "src/billing.ts:4-8", text: "Invoices are retried every 17 minutes." },
  ],
};

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe.each([
  {
    provider: "OpenAI-compatible",
    llm: (url: string): Llm => new OpenAiLlm({ baseUrl: `${url}/v1`, apiKey: "sk-test", model: "gpt-test" }),
    embedder: (url: string): Embedder => new OpenAiEmbedder({ baseUrl: `${url}/v1`, apiKey: "sk-test", model: "embed-test", dimensions: 3 }),
    chatPath: "/v1/chat/completions",
    embedPath: "/v1/embeddings",
  },
  {
    provider: "Ollama",
    llm: (url: string): Llm => new OllamaLlm({ baseUrl: url, model: "llama-test" }),
    embedder: (url: string): Embedder => new OllamaEmbedder({ baseUrl: url, model: "embed-test", dimensions: 3 }),
    chatPath: "/api/chat",
    embedPath: "/api/embed",
  },
])("$provider provider through its real client library", ({ llm, embedder, chatPath, embedPath }) => {
  let server: FakeModelServer;
  beforeAll(async () => {
    server = await startFakeModelServer({
      answer: () => "Invoices are retried every 17 minutes [2].",
      embedding: (text) => [text.length, 1, 0],
    });
  });
  afterAll(() => server.close());

  it("streams the answer in pieces, with the passages numbered in the system prompt", async () => {
    const deltas = await collect(llm(server.url).complete(request));
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe("Invoices are retried every 17 minutes [2].");
    const sent = server.requests.find((r) => r.path === chatPath)!;
    expect(sent.body.stream).toBe(true);
    expect(sent.body.messages[0].role).toBe("system");
    expect(sent.body.messages[0].content).toContain("[2] src/billing.ts:4-8\nInvoices are retried every 17 minutes.");
    expect(sent.body.messages.at(-1)).toEqual({ role: "user", content: "How often are invoices retried?" });
  });

  it("embeds a batch of texts in order", async () => {
    const vectors = await embedder(server.url).embed(["a", "abcd"], "document");
    expect(vectors).toEqual([[1, 1, 0], [4, 1, 0]]);
    expect(server.requests.find((r) => r.path === embedPath)!.body).toMatchObject({ model: "embed-test", input: ["a", "abcd"] });
  });
});

describe("a failing provider", () => {
  let server: FakeModelServer;
  beforeAll(async () => {
    server = await startFakeModelServer({ answer: () => "", embedding: () => [], failWithStatus: 503 });
  });
  afterAll(() => server.close());

  it("surfaces as an error from the stream, not a hang", async () => {
    await expect(collect(new OpenAiLlm({ baseUrl: `${server.url}/v1`, model: "m" }).complete(request))).rejects.toThrow();
    await expect(collect(new OllamaLlm({ baseUrl: server.url, model: "m" }).complete(request))).rejects.toThrow();
  });
});
