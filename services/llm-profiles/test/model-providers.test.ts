import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionEvent, Embedder, Llm, LlmTool, ToolCall } from "@qamesh/ports";
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

async function collect(stream: AsyncIterable<CompletionEvent>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const event of stream) if (event.type === "text") deltas.push(event.text);
  return deltas;
}

async function events(stream: AsyncIterable<CompletionEvent>): Promise<CompletionEvent[]> {
  const all: CompletionEvent[] = [];
  for await (const event of stream) all.push(event);
  return all;
}

const tools: LlmTool[] = [
  { name: "grep_repository", description: "regex over the files", parametersJsonSchema: { type: "object", properties: { pattern: { type: "string" } }, required: ["pattern"] } },
  { name: "open_file", description: "numbered lines of a file", parametersJsonSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
];

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

  it("assembles tool calls whose arguments arrive in fragments, two in one turn, and reports the token counts", async () => {
    const calling = await startFakeModelServer({
      answer: () => ({
        text: "Let me look.",
        toolCalls: [
          { name: "grep_repository", arguments: JSON.stringify({ pattern: "retry(Interval|Delay)" }) },
          { name: "open_file", arguments: JSON.stringify({ path: "src/billing/reconciler.ts" }) },
        ],
        usage: { promptTokens: 321, completionTokens: 45 },
      }),
      embedding: () => [],
    });
    try {
      const streamed = await events(llm(calling.url).complete({ ...request, tools }));
      const calls = streamed.filter((event) => event.type === "tool_call").map((event) => event.call);
      expect(calls.map(({ name, argumentsJson }) => ({ name, arguments: JSON.parse(argumentsJson) }))).toEqual([
        { name: "grep_repository", arguments: { pattern: "retry(Interval|Delay)" } },
        { name: "open_file", arguments: { path: "src/billing/reconciler.ts" } },
      ]);
      // Every call has an id of its own (Ollama sends none: the provider gives one).
      expect(new Set(calls.map((call) => call.id)).size).toBe(2);
      expect(calls.every((call) => call.id.length > 0)).toBe(true);
      expect(streamed.filter((event) => event.type === "text").map((event) => event.text).join("")).toBe("Let me look.");
      expect(streamed.find((event) => event.type === "usage")).toEqual({ type: "usage", promptTokens: 321, completionTokens: 45 });
      const sent = calling.requests.find((r) => r.path === chatPath)!.body;
      expect(sent.tools.map((tool: { type: string; function: { name: string; parameters: unknown } }) => [tool.type, tool.function.name, tool.function.parameters])).toEqual(
        tools.map((tool) => ["function", tool.name, tool.parametersJsonSchema]),
      );
    } finally {
      await calling.close();
    }
  });

  it("sends the conversation back with the assistant's tool calls and each tool's result, as the provider expects them", async () => {
    const server = await startFakeModelServer({ answer: () => "The interval is 17 minutes [1].", embedding: () => [] });
    try {
      const call: ToolCall = { id: "call_1", name: "open_file", argumentsJson: JSON.stringify({ path: "src/billing.ts" }) };
      const answer = await collect(
        llm(server.url).complete({
          documents: [],
          tools,
          messages: [
            { role: "user", content: "How often are invoices retried?" },
            { role: "assistant", content: "", toolCalls: [call] },
            { role: "tool", toolCallId: "call_1", toolName: "open_file", content: "4: retryIntervalMinutes = 17" },
          ],
        }),
      );
      expect(answer.join("")).toBe("The interval is 17 minutes [1].");
      const [, , assistant, tool] = server.requests.find((r) => r.path === chatPath)!.body.messages;
      if (chatPath === "/api/chat") {
        expect(assistant).toMatchObject({ role: "assistant", tool_calls: [{ function: { name: "open_file", arguments: { path: "src/billing.ts" } } }] });
        expect(tool).toEqual({ role: "tool", content: "4: retryIntervalMinutes = 17", tool_name: "open_file" });
      } else {
        expect(assistant).toMatchObject({ role: "assistant", tool_calls: [{ id: "call_1", type: "function", function: { name: "open_file", arguments: call.argumentsJson } }] });
        expect(tool).toEqual({ role: "tool", tool_call_id: "call_1", content: "4: retryIntervalMinutes = 17" });
      }
    } finally {
      await server.close();
    }
  });

  it("embeds a batch of texts in order", async () => {
    const vectors = await embedder(server.url).embed(["a", "abcd"], "document");
    expect(vectors).toEqual([[1, 1, 0], [4, 1, 0]]);
    expect(server.requests.find((r) => r.path === embedPath)!.body).toMatchObject({ model: "embed-test", input: ["a", "abcd"] });
  });
});

describe("the OpenAI protocol's arguments as the model wrote them", () => {
  it("passes invalid JSON through as text, for the agent to return to the model as an error", async () => {
    const server = await startFakeModelServer({ answer: () => ({ toolCalls: [{ name: "open_file", arguments: '{"path": "src/a.ts"' }] }), embedding: () => [] });
    try {
      const streamed = await events(new OpenAiLlm({ baseUrl: `${server.url}/v1`, model: "m" }).complete({ ...request, tools }));
      expect(streamed.filter((event) => event.type === "tool_call").map((event) => event.call)).toEqual([{ id: "call_fake_0", name: "open_file", argumentsJson: '{"path": "src/a.ts"' }]);
    } finally {
      await server.close();
    }
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
