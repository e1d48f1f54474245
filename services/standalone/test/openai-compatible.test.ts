import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeModelServer, type FakeModelServer, type ScriptedReply, type WireMessage } from "@qamesh/testkit";
import { distractorFiles, projectWithFiles, startHarness, type Harness } from "./standalone-harness.js";

const toolTurns = (messages: WireMessage[]) => messages.filter((turn) => turn.role === "tool");

/** The number the tool results gave the passage mentioning `words`. */
function passageNumber(messages: WireMessage[], words: string): string | undefined {
  for (const message of toolTurns(messages)) {
    for (const block of String(message.content).split(/\n\n(?=\[\d+\] )/)) if (block.includes(words)) return block.match(/^\[(\d+)\]/)?.[1];
  }
  return undefined;
}

interface Citation {
  path: string;
  startLine: number;
}

describe("the OpenAI-compatible endpoint, driven by the official openai client", () => {
  let model: FakeModelServer;
  let harness: Harness;
  let projectA: string;
  let projectB: string;
  let script: (messages: WireMessage[]) => ScriptedReply = () => ({ text: "unscripted" });
  /** A client authenticated with a qamesh API key, as any OpenAI tool would be configured. */
  const clientWith = (apiKey: string) => new OpenAI({ baseURL: `${harness.gatewayUrl}/v1`, apiKey, maxRetries: 0 });
  const newKey = async (body: Record<string, unknown>) => (await harness.api("POST", "/v1/api-keys", { name: "tool", ...body })).body.key as string;

  beforeAll(async () => {
    model = await startFakeModelServer({ answer: (messages) => script(messages), embedding: () => [] });
    harness = await startHarness({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${model.url}/v1`, LLM_MODEL: "gpt-behind" });
    ({ projectId: projectA } = await projectWithFiles(harness, harness.root, "A", { "billing.md": "# Billing\n\nFailed invoices are retried every 17 minutes.\n", ...distractorFiles }));
    projectB = (await harness.api("POST", "/v1/projects", { name: "B" })).body.id;
    script = (messages) => {
      if (toolTurns(messages).length === 0) return { toolCalls: [{ name: "semantic_search", arguments: JSON.stringify({ query: String(messages.at(-1)?.content), k: 3 }) }] };
      return { text: `Every 17 minutes [${passageNumber(messages, "17 minutes")}].`, usage: { promptTokens: 200, completionTokens: 12 } };
    };
  });

  afterAll(async () => {
    await harness?.stop();
    await model?.close();
  });

  it("lists the projects an API key may ask as models", async () => {
    const everything = clientWith(await newKey({}));
    expect((await everything.models.list()).data.map((entry) => entry.id).sort()).toEqual([projectA, projectB].sort());
    const onlyA = clientWith(await newKey({ projectIds: [projectA] }));
    const listed = (await onlyA.models.list()).data;
    expect(listed).toEqual([expect.objectContaining({ id: projectA, object: "model", owned_by: "qamesh" })]);
  });

  it("answers a completion through the project's agent, with citations and token counts", async () => {
    const openai = clientWith(await newKey({ projectIds: [projectA] }));
    const completion = await openai.chat.completions.create({
      model: projectA,
      messages: [
        { role: "system", content: "Answer briefly." },
        { role: "user", content: "How often are failed invoices retried?" },
      ],
    });
    const message = completion.choices[0]!.message as OpenAI.ChatCompletionMessage & { citations: Citation[] };
    expect(message.content).toMatch(/^Every 17 minutes \[\d\]\.$/);
    expect(message.citations.map((citation) => citation.path)).toEqual(["billing.md"]);
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.model).toBe(projectA);
    expect(completion.usage).toEqual({ prompt_tokens: 200, completion_tokens: 12, total_tokens: 212 });
    // The client's own instructions reached the model after qamesh's.
    const sent = model.requests.filter((request) => request.path === "/v1/chat/completions").at(-1)!.body.messages as WireMessage[];
    expect(sent.filter((turn) => turn.role === "system").map((turn) => turn.content)).toEqual([expect.stringContaining("software project"), "Answer briefly."]);
  });

  it("streams a completion in OpenAI's chunk format, the citations in the final chunk and the usage after it", async () => {
    const openai = clientWith(await newKey({ projectIds: [projectA] }));
    const stream = await openai.chat.completions.create({
      model: projectA,
      messages: [
        { role: "user", content: "Hi, a question about billing." },
        { role: "assistant", content: "Sure, ask." },
        { role: "user", content: "How often are failed invoices retried?" },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: (OpenAI.ChatCompletionChunk & { citations?: Citation[] })[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).toMatch(/^Every 17 minutes \[\d\]\.$/);
    const final = chunks.find((chunk) => chunk.choices[0]?.finish_reason === "stop")!;
    expect(final.citations!.map((citation) => citation.path)).toEqual(["billing.md"]);
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 200, completion_tokens: 12, total_tokens: 212 });
    // The earlier turns went to the model as the conversation so far.
    const sent = model.requests.filter((request) => request.path === "/v1/chat/completions").at(-1)!.body.messages as WireMessage[];
    expect(sent.map((turn) => turn.content)).toEqual(expect.arrayContaining(["Hi, a question about billing.", "Sure, ask.", "How often are failed invoices retried?"]));
  });

  it("refuses a key narrowed to A the use of B as a model, and a request without a question", async () => {
    const onlyA = clientWith(await newKey({ projectIds: [projectA] }));
    const refused = await onlyA.chat.completions.create({ model: projectB, messages: [{ role: "user", content: "Anything?" }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
    expect((refused as Error).message).toContain(`the model ${projectB} does not exist or you do not have access to it`);
    const streamed = await onlyA.chat.completions.create({ model: projectB, messages: [{ role: "user", content: "Anything?" }], stream: true }).catch((error: unknown) => error);
    expect(streamed).toBeInstanceOf(OpenAI.NotFoundError);
    const noQuestion = await onlyA.chat.completions.create({ model: projectA, messages: [{ role: "assistant", content: "Hello" }] }).catch((error: unknown) => error);
    expect(noQuestion).toBeInstanceOf(OpenAI.BadRequestError);
    const badKey = await clientWith("qm_not-a-key").models.list().catch((error: unknown) => error);
    expect(badKey).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
