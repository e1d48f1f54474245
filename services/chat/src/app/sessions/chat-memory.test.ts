import { describe, expect, it } from "vitest";
import type { CompletionRequest, LlmMessage, ProjectModels } from "@qamesh/ports";
import { eachTestSqliteStore } from "@qamesh/testkit";
import { promptHistory, tokensOf } from "./chat-memory.js";
import { collections, type ChatRecord, type MessageRecord } from "./chat-records.js";

const chat: ChatRecord = { id: "c1", projectId: "p1", ownerId: "u1", title: "", titleSource: "none", summary: "", summarizedThrough: 0, createTime: "", updateTime: "" };

/** Turn n: a question, a search call with a result of `resultWords` words, and a cited answer. */
function turn(n: number, resultWords: number): MessageRecord[] {
  const question = `Question ${n} about the billing reconciler?`;
  const transcript: LlmMessage[] = [
    { role: "user", content: question },
    { role: "assistant", content: "", toolCalls: [{ id: `call-${n}`, name: "semantic_search", argumentsJson: JSON.stringify({ query: `billing ${n}` }) }] },
    { role: "tool", toolCallId: `call-${n}`, toolName: "semantic_search", content: `[1] billing.md:1-3\n${"invoice ".repeat(resultWords)}` },
    { role: "assistant", content: `Answer ${n}: retried every 17 minutes [1].` },
  ];
  const base = { projectId: "p1", chatId: "c1", ownerId: "u1", version: 1, citations: [], provider: "openai:m", usage: { promptTokens: 0, completionTokens: 0 }, question: null, agentState: null, error: null, leaseUntil: 0, createTime: "", completeTime: "" };
  return [
    { ...base, id: `q${n}`, role: "user", position: 2 * n - 1, content: question, status: "completed", replyTo: "", transcript: [] },
    { ...base, id: `a${n}`, role: "assistant", position: 2 * n, content: `Answer ${n}: retried every 17 minutes [1].`, status: "completed", replyTo: `q${n}`, transcript },
  ];
}

/** A model that writes the summary it is asked for, and remembers the request. */
function summarizingModel(requests: CompletionRequest[]): ProjectModels {
  return {
    describe: async () => ({ provider: "openai", model: "m", callsTools: true }),
    async *complete(_projectId, request) {
      requests.push(request);
      yield { type: "text", text: "The user asked about the billing reconciler; it retries every 17 minutes." };
    },
    embed: async () => [],
  };
}

/** Every assistant tool call is followed by its results, in order. */
function callsKeepTheirResults(history: LlmMessage[]): boolean {
  return history.every((message, index) => {
    if (message.role !== "assistant" || !message.toolCalls?.length) return true;
    return message.toolCalls.every((call, offset) => {
      const result = history[index + 1 + offset];
      return result?.role === "tool" && result.toolCallId === call.id;
    });
  });
}

describe("the history a prompt gets", () => {
  const sqlite = eachTestSqliteStore();

  it("keeps earlier turns whole, tool calls and results included, without their citation numbers", async () => {
    const messages = [...turn(1, 10), ...turn(2, 10)];
    const history = await promptHistory({ store: sqlite.store(), models: summarizingModel([]), memory: { historyTokens: 2000 } }, chat, messages, 5, { canSummarize: true });
    expect(history).toHaveLength(8);
    expect(callsKeepTheirResults(history)).toBe(true);
    expect(history[3]).toEqual({ role: "assistant", content: "Answer 1: retried every 17 minutes ." });
    expect(history[2]!.content).toMatch(/^billing\.md:1-3\n/);
  });

  it("trims old tool results first, the latest turn's kept, and writes no summary when that is enough", async () => {
    const messages = [...turn(1, 300), ...turn(2, 300), ...turn(3, 20)];
    const requests: CompletionRequest[] = [];
    const store = sqlite.store();
    await store.collection<ChatRecord>(collections.chats).put(chat);
    const history = await promptHistory({ store, models: summarizingModel(requests), memory: { historyTokens: 600 } }, chat, messages, 7, { canSummarize: true });
    expect(requests).toHaveLength(0);
    expect(tokensOf(history)).toBeLessThanOrEqual(600 * 0.75);
    const results = history.filter((message) => message.role === "tool").map((message) => message.content);
    expect(results.slice(0, 2)).toEqual(["(an earlier tool result, trimmed to save room)", "(an earlier tool result, trimmed to save room)"]);
    expect(results[2]).toContain("invoice invoice");
    expect(callsKeepTheirResults(history)).toBe(true);
    expect((await store.collection<ChatRecord>(collections.chats).get("p1", "c1"))!.summary).toBe("");
  });

  it("has the model summarize older turns once trimming is not enough, stores the summary, and stays within budget", async () => {
    const messages = Array.from({ length: 8 }, (_, index) => turn(index + 1, 40)).flat();
    const requests: CompletionRequest[] = [];
    const store = sqlite.store();
    await store.collection<ChatRecord>(collections.chats).put(chat);
    const budget = 300;
    const history = await promptHistory({ store, models: summarizingModel(requests), memory: { historyTokens: budget } }, chat, messages, 17, { canSummarize: true });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.messages[1]!.content).toContain("Question 1 about the billing reconciler?");
    expect(history[0]).toEqual({ role: "system", content: "Summary of the earlier conversation:\nThe user asked about the billing reconciler; it retries every 17 minutes." });
    expect(tokensOf(history)).toBeLessThanOrEqual(budget);
    // The latest turn stays word for word.
    expect(history.at(-1)).toEqual({ role: "assistant", content: "Answer 8: retried every 17 minutes ." });
    expect(callsKeepTheirResults(history)).toBe(true);
    const stored = (await store.collection<ChatRecord>(collections.chats).get("p1", "c1"))!;
    expect(stored.summary).toBe("The user asked about the billing reconciler; it retries every 17 minutes.");
    expect(stored.summarizedThrough).toBeGreaterThan(0);

    // The next turn starts from the stored summary: nothing it covers is summarized again.
    const next = await promptHistory({ store, models: summarizingModel(requests), memory: { historyTokens: budget } }, stored, [...messages, ...turn(9, 5)], 19, { canSummarize: true });
    expect(requests).toHaveLength(1);
    expect(next[0]!.content).toContain("retries every 17 minutes");
    expect(next.some((message) => message.content.includes("Question 1 "))).toBe(false);
  });

  it("without a model that writes, lists the earlier questions as the summary", async () => {
    const messages = Array.from({ length: 6 }, (_, index) => turn(index + 1, 40)).flat();
    const store = sqlite.store();
    await store.collection<ChatRecord>(collections.chats).put(chat);
    const history = await promptHistory({ store, models: summarizingModel([]), memory: { historyTokens: 300 } }, chat, messages, 13, { canSummarize: false });
    expect(history[0]!.content).toContain("Earlier questions: Question 1 about the billing reconciler?");
    expect(tokensOf(history)).toBeLessThanOrEqual(300);
  });
});
