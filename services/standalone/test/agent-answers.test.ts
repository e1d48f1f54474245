import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { GitRepositoryFixture, startFakeModelServer, type FakeModelServer, type ScriptedReply, type WireMessage } from "@qamesh/testkit";
import { distractorFiles, projectWithFiles, startHarness, type Harness } from "./standalone-harness.js";

/** The numbered passage of the tool results so far whose text mentions `words`. */
function passageNumber(messages: WireMessage[], words: string): string | undefined {
  for (const message of messages.filter((turn) => turn.role === "tool")) {
    for (const block of String(message.content).split(/\n\n(?=\[\d+\] )/)) {
      if (block.includes(words)) return block.match(/^\[(\d+)\]/)?.[1];
    }
  }
  return undefined;
}

const toolTurns = (messages: WireMessage[]) => messages.filter((turn) => turn.role === "tool");
const search = (query: string) => ({ name: "semantic_search", arguments: JSON.stringify({ query, k: 3 }) });

interface SseEvent {
  event: string;
  data: any;
}

async function askStreaming(harness: Harness, projectId: string, question: string): Promise<SseEvent[]> {
  const response = await fetch(`${harness.gatewayUrl}/v1/projects/${projectId}/ask`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", authorization: await harness.authorization() },
    body: JSON.stringify({ question }),
  });
  expect(response.status).toBe(200);
  return (await response.text())
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      return { event: eventLine!.slice("event: ".length), data: JSON.parse(dataLine!.slice("data: ".length)) };
    });
}

describe.each([
  { protocol: "OpenAI", settings: (url: string) => ({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${url}/v1`, LLM_MODEL: "gpt-agent" }), chatPath: "/v1/chat/completions" },
  { protocol: "Ollama", settings: (url: string) => ({ LLM_PROVIDER: "ollama", LLM_BASE_URL: url, LLM_MODEL: "llama-agent" }), chatPath: "/api/chat" },
])("the agent with a model speaking the $protocol protocol", ({ settings, chatPath }) => {
  let model: FakeModelServer;
  let harness: Harness;
  let projectId: string;
  /** What the scripted model does next; each test sets its own script. */
  let script: (messages: WireMessage[], request: { tools?: unknown[] }) => ScriptedReply = () => ({ text: "unscripted" });
  const chatRequests = () => model.requests.filter((request) => request.path === chatPath);

  beforeAll(async () => {
    model = await startFakeModelServer({ answer: (messages, request) => script(messages, request), embedding: () => [] });
    harness = await startHarness({ ...settings(model.url), AGENT_MAX_STEPS: "4" });
    ({ projectId } = await projectWithFiles(harness, harness.root, "Agent", {
      "billing.md": "# Billing\n\nFailed invoices are retried every 17 minutes.\n",
      "deploys.md": "# Deploys\n\nDeployments are frozen on Fridays.\n",
      ...distractorFiles,
    }));
  });

  afterAll(async () => {
    await harness?.stop();
    await model?.close();
  });

  it("runs two tool calls of one turn, numbers what they read, and cites the file that holds the answer", async () => {
    model.requests.length = 0;
    script = (messages) => {
      if (toolTurns(messages).length === 0) return { text: "Let me look. ", toolCalls: [search("invoice retry interval"), search("deployment freeze")] };
      const retries = passageNumber(messages, "17 minutes");
      const freeze = passageNumber(messages, "frozen on Fridays");
      return { text: `Failed invoices are retried every 17 minutes [${retries}]; deployments are frozen on Fridays [${freeze}].` };
    };
    const events = await askStreaming(harness, projectId, "How often are invoices retried, and when are deploys frozen?");
    const started = events.filter((event) => event.event === "tool.started");
    const finished = events.filter((event) => event.event === "tool.finished");
    expect(started.map((event) => event.data.tool)).toEqual(["semantic_search", "semantic_search"]);
    expect(finished.map((event) => event.data.callId).sort()).toEqual(started.map((event) => event.data.callId).sort());
    expect(finished.every((event) => !event.data.failed && event.data.references.length > 0)).toBe(true);
    const done = events.at(-1)!;
    expect(done.event).toBe("done");
    expect(done.data.answer).toMatch(/^Let me look\. Failed invoices are retried every 17 minutes \[\d+\]; deployments are frozen on Fridays \[\d+\]\.$/);
    expect(done.data.answer).toBe(events.filter((event) => event.event === "token").map((event) => event.data.text).join(""));
    expect(done.data.citations.map((citation: { path: string }) => citation.path)).toEqual(["billing.md", "deploys.md"]);
    expect(done.data.citations[0]).toMatchObject({ startLine: 1, endLine: 3, snippet: expect.stringContaining("17 minutes") });
    expect(done.data.provider).toMatch(/^(openai:gpt-agent|ollama:llama-agent)$/);
    // The model got both results back, each answering its own call.
    const second = chatRequests()[1]!.body.messages as WireMessage[];
    expect(toolTurns(second)).toHaveLength(2);
  });

  it("greps the repository, opens the file at the lines found, and cites that file and line range at the indexed commit", async () => {
    const repository = await GitRepositoryFixture.create(join(harness.root, "repo"));
    await repository.write({
      "services/billing/config.ts": ["// Billing settings.", "export const currency = \"EUR\";", "", "/** How long the reconciler waits between attempts. */", "export const reconcilerRetryMinutes = 17;", "export const reconcilerMaxAttempts = 5;", ""].join("\n"),
      "services/search/ranking.ts": "export const rankingWeight = 3;\n",
    });
    const commit = await repository.commit("billing settings");
    const codeProject = (await harness.api("POST", "/v1/projects", { name: "Code" })).body.id;
    await harness.api("POST", `/v1/projects/${codeProject}/sources`, { type: "git", url: repository.url, branch: "main" });
    const run = (await harness.api("POST", `/v1/projects/${codeProject}/ingestions`, {})).body;
    expect((await harness.waitForRun(codeProject, run.id)).status).toBe("succeeded");

    /** The JSON result of the latest tool turn. */
    const lastResult = (messages: WireMessage[]) => {
      const content = String(toolTurns(messages).at(-1)!.content);
      return JSON.parse(content.slice(content.lastIndexOf("result: ") + "result: ".length));
    };
    script = (messages) => {
      const turns = toolTurns(messages).length;
      if (turns === 0) return { toolCalls: [{ name: "grep_repository", arguments: JSON.stringify({ pattern: "reconcilerRetry\\w*\\s*=" }) }] };
      if (turns === 1) {
        const [match] = lastResult(messages).matches;
        return { toolCalls: [{ name: "open_file", arguments: JSON.stringify({ path: match.path, start_line: match.line - 1, end_line: match.line }) }] };
      }
      const opened = String(toolTurns(messages).at(-1)!.content).match(/^\[(\d+)\] services\/billing\/config\.ts:4-5$/m)?.[1];
      return { text: `The reconciler retries every 17 minutes [${opened}].` };
    };
    const events = await askStreaming(harness, codeProject, "How long does the reconciler wait between retries?");
    expect(events.filter((event) => event.event === "tool.started").map((event) => event.data.tool)).toEqual(["grep_repository", "open_file"]);
    const done = events.at(-1)!.data;
    expect(done.answer).toMatch(/^The reconciler retries every 17 minutes \[\d+\]\.$/);
    expect(done.citations).toHaveLength(1);
    expect(done.citations[0]).toMatchObject({ path: "services/billing/config.ts", startLine: 4, endLine: 5, commit, snippet: "/** How long the reconciler waits between attempts. */\nexport const reconcilerRetryMinutes = 17;" });
    // The model read the opened lines numbered.
    expect(String(toolTurns(chatRequests().at(-1)!.body.messages as WireMessage[]).at(-1)!.content)).toContain("5| export const reconcilerRetryMinutes = 17;");
  });

  it("describes the project to the model: its sources, latest runs, indexed files and languages", async () => {
    script = (messages) => (toolTurns(messages).length === 0 ? { toolCalls: [{ name: "project_overview", arguments: "{}" }] } : { text: "It has one folder of Markdown." });
    expect((await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "What is in this project?" })).status).toBe(200);
    const content = String(toolTurns(chatRequests().at(-1)!.body.messages as WireMessage[])[0]!.content);
    const overview = JSON.parse(content.slice("result: ".length));
    expect(overview.sources).toEqual([expect.objectContaining({ type: "local", indexedFiles: 6 })]);
    expect(overview.latestRuns[0]).toMatchObject({ status: "succeeded", indexed: 6 });
    expect(overview.languages).toEqual([{ extension: ".md", files: 6 }]);
  });

  it("lists the project's tools, the same ones the model is offered", async () => {
    script = () => ({ text: "Nothing to look up." });
    expect((await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "Hello?" })).status).toBe(200);
    const listed = await harness.api("GET", `/v1/projects/${projectId}/tools`);
    expect(listed.status).toBe(200);
    expect(listed.body.tools.find((tool: { name: string }) => tool.name === "semantic_search")).toMatchObject({ builtIn: true, parameters: { type: "object", required: ["query"] } });
    const offered = chatRequests().at(-1)!.body.tools.map((tool: { function: { name: string; parameters: unknown } }) => ({ name: tool.function.name, parameters: tool.function.parameters }));
    expect(offered).toEqual(listed.body.tools.map((tool: { name: string; parameters: unknown }) => ({ name: tool.name, parameters: tool.parameters })));
  });

  it("returns an invalid call to the model as an error, which it corrects", async () => {
    model.requests.length = 0;
    script = (messages) => {
      const results = toolTurns(messages);
      if (results.length === 0) return { toolCalls: [{ name: "semantic_search", arguments: JSON.stringify({ k: "many" }) }] };
      if (results.length === 1) return { toolCalls: [search("invoice retries")] };
      return { text: `Every 17 minutes [${passageNumber(messages, "17 minutes")}].` };
    };
    const asked = await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "How often are invoices retried?" });
    expect(asked.status).toBe(200);
    expect(asked.body.answer).toMatch(/^Every 17 minutes \[\d+\]\.$/);
    expect(asked.body.citations.map((citation: { path: string }) => citation.path)).toEqual(["billing.md"]);
    const told = toolTurns(chatRequests()[1]!.body.messages as WireMessage[])[0]!;
    expect(told.content).toMatch(/^error: invalid arguments: .*query/);
    expect(told.content).toMatch(/k must be integer/);
  });

  it("stops a model that would call tools forever at the step limit, with an answer, running a repeated call once", async () => {
    model.requests.length = 0;
    script = (_messages, request) => (request.tools?.length ? { toolCalls: [search("invoice retries")] } : { text: "I kept searching; the last results say 17 minutes." });
    const asked = await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "How often are invoices retried?" });
    expect(asked.status).toBe(200);
    expect(asked.body.answer).toBe("I kept searching; the last results say 17 minutes.");
    const requests = chatRequests();
    expect(requests).toHaveLength(4);
    expect(requests.slice(0, 3).every((request) => request.body.tools?.length > 0)).toBe(true);
    expect(requests[3]!.body.tools).toBeUndefined();
    const results = toolTurns(requests[3]!.body.messages as WireMessage[]).map((turn) => String(turn.content));
    expect(results[0]).toContain("[1] billing.md");
    expect(results.slice(1).every((content) => content.includes("same call as"))).toBe(true);
  });

  it("runs at most eight calls of one turn and tells the model the rest were not run", async () => {
    model.requests.length = 0;
    script = (messages) =>
      toolTurns(messages).length === 0 ? { toolCalls: Array.from({ length: 12 }, (_, i) => search(`invoices, take ${i}`)) } : { text: "Done." };
    const events = await askStreaming(harness, projectId, "How often are invoices retried?");
    const finished = events.filter((event) => event.event === "tool.finished");
    expect(finished).toHaveLength(12);
    expect(finished.filter((event) => event.data.failed).map((event) => event.data.summary)).toEqual(Array(4).fill("not run: at most 8 calls are run per turn"));
    expect(events.at(-1)!.event).toBe("done");
    // Every call was answered, the last four with the refusal.
    const told = toolTurns(chatRequests()[1]!.body.messages as WireMessage[]).map((turn) => String(turn.content));
    expect(told).toHaveLength(12);
    expect(told.slice(8)).toEqual(Array(4).fill("error: not run: at most 8 calls are run per turn"));
  });

  it("keeps only the markers that name a passage it was given: no source list for [9] of fewer", async () => {
    script = (messages) => (toolTurns(messages).length === 0 ? { toolCalls: [search("invoice retries")] } : { text: `Every 17 minutes [9][${passageNumber(messages, "17 minutes")}].` });
    const asked = await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "How often are invoices retried?" });
    expect(asked.body.answer).toMatch(/^Every 17 minutes \[\d\]\.$/);
    expect(asked.body.citations).toHaveLength(1);
    expect(asked.body.citations[0].path).toBe("billing.md");
    script = (messages) => (toolTurns(messages).length === 0 ? { toolCalls: [search("invoice retries")] } : { text: "Every 17 minutes, I believe." });
    const uncited = await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "How often are invoices retried?" });
    expect(uncited.body.citations).toEqual([]);
  });
});
