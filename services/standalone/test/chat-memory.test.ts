import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeModelServer, type FakeModelServer, type WireMessage } from "@qamesh/testkit";
import { projectWithFiles, startHarness, type Harness } from "./standalone-harness.js";

const budget = 400;
const isSummaryRequest = (messages: WireMessage[]) => String(messages[0]?.content ?? "").startsWith("Summarize this conversation");
const isTitleRequest = (messages: WireMessage[]) => String(messages[0]?.content ?? "").startsWith("Write a title");
/** The conversation before the question: everything between the agent's instructions and the last message. */
const historyOf = (messages: WireMessage[]) => messages.slice(1, -1);

describe("a long chat", () => {
  let model: FakeModelServer;
  let harness: Harness;
  let projectId: string;
  const answered = () => model.requests.filter((request) => request.path === "/v1/chat/completions" && !isSummaryRequest(request.body.messages) && !isTitleRequest(request.body.messages));
  const summaries = () => model.requests.filter((request) => request.path === "/v1/chat/completions" && isSummaryRequest(request.body.messages));

  beforeAll(async () => {
    model = await startFakeModelServer({
      answer(messages) {
        if (isSummaryRequest(messages)) return "The user asked about invoice retries; they happen every 17 minutes, 34 on weekends.";
        if (isTitleRequest(messages)) return "Retries";
        // A long answer each time, so the conversation soon outgrows its budget.
        return `Turn answer: ${"the reconciler retries failed invoices on a fixed schedule, ".repeat(12)}`;
      },
      embedding: () => [],
    });
    harness = await startHarness({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${model.url}/v1`, LLM_MODEL: "gpt-memory", CHAT_HISTORY_TOKENS: String(budget) });
    ({ projectId } = await projectWithFiles(harness, harness.root, "Memory", { "billing.md": "# Billing\n\nFailed invoices are retried every 17 minutes.\n" }));
  });

  afterAll(async () => {
    await harness?.stop();
    await model?.close();
  });

  it("is summarized by the model once it outgrows its budget; the summary is kept and later prompts stay within budget", async () => {
    const chatPath = `/v1/projects/${projectId}/chats/${(await harness.api("POST", `/v1/projects/${projectId}/chats`, {})).body.id}`;
    for (let turn = 1; turn <= 4; turn++) {
      const sent = await harness.api("POST", `${chatPath}/messages`, { content: `Question ${turn}: how often are failed invoices retried?` });
      expect(sent.body.message.status).toBe("completed");
    }
    expect(summaries().length).toBeGreaterThanOrEqual(1);
    // What was summarized: the first turns, word for word.
    expect(String(summaries()[0]!.body.messages[1].content)).toContain("Question 1: how often are failed invoices retried?");
    const chat = (await harness.api("GET", chatPath)).body;
    expect(chat.summary).toBe("The user asked about invoice retries; they happen every 17 minutes, 34 on weekends.");

    const last = answered().at(-1)!.body.messages as WireMessage[];
    const history = historyOf(last);
    expect(history[0]).toMatchObject({ role: "system", content: expect.stringContaining("they happen every 17 minutes") });
    expect(history.reduce((total, message) => total + countTokens(String(message.content ?? "")), 0)).toBeLessThanOrEqual(budget);
    // The latest turn before the question is there word for word; the first one is not.
    expect(history.map((message) => message.content)).toContain("Question 3: how often are failed invoices retried?");
    expect(history.map((message) => message.content)).not.toContain("Question 1: how often are failed invoices retried?");
    expect(last.at(-1)!.content).toBe("Question 4: how often are failed invoices retried?");
  });
});
