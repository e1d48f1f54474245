import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, gatewayClient, readEventStream, startFakeModelServer, temporaryDirectory, type FakeModelBehaviour, type FakeModelServer, type GatewayClient, type ScriptedReply, type WireMessage } from "@qamesh/testkit";
import { MeshProcesses } from "./mesh-processes.js";

const toolTurns = (messages: WireMessage[]) => messages.filter((turn) => turn.role === "tool");
const search = { name: "semantic_search", arguments: JSON.stringify({ query: "on-call handover", k: 3 }) };

describe("the chat service killed and restarted (one process per service)", () => {
  const directory = temporaryDirectory("chat-crash");
  let model: FakeModelServer;
  let mesh: MeshProcesses;
  let client: GatewayClient;
  let projectId: string;
  const behaviour: FakeModelBehaviour = { answer: () => "unscripted", embedding: () => [] };
  let script: (messages: WireMessage[]) => ScriptedReply = () => ({ text: "unscripted" });

  const chatPath = (chatId: string) => `/v1/projects/${projectId}/chats/${chatId}`;
  const send = async (chatId: string, content: string) =>
    fetch(`${mesh.url}${chatPath(chatId)}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: await client.authorization() },
      body: JSON.stringify({ content }),
    });
  const restartChat = async () => {
    await mesh.kill("chat");
    mesh.startService("chat");
    await mesh.ready();
  };

  beforeAll(async () => {
    behaviour.answer = (messages) => script(messages);
    model = await startFakeModelServer(behaviour);
    const root = (await directory).path;
    mesh = await MeshProcesses.start(root, {
      "llm-profiles": { LLM_PROVIDER: "openai", LLM_BASE_URL: `${model.url}/v1`, LLM_MODEL: "gpt-crash" },
      // A short lease, so an answer abandoned by the killed process is noticed within seconds.
      chat: { ANSWER_LEASE_MS: "1500" },
    });
    client = gatewayClient(() => mesh.url);
    const docs = join(root, "docs");
    await mkdir(docs, { recursive: true });
    await writeFile(join(docs, "oncall.md"), "# On-call\n\nThe on-call rotation hands over every Tuesday at 09:00.\n");
    projectId = (await client.api("POST", "/v1/projects", { name: "crash" })).body.id;
    await client.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: docs });
    const run = (await client.api("POST", `/v1/projects/${projectId}/ingestions`, {})).body;
    expect((await client.waitForRun(projectId, run.id)).status).toBe("succeeded");
  }, 120_000);

  afterAll(async () => {
    mesh?.killAll();
    await model?.close();
    await (await directory).remove();
  });

  it("ends an answer whose chat process died mid-answer as failed, with the reason, and the chat takes the next message", async () => {
    behaviour.pieceDelayMs = 50;
    script = (messages) => (toolTurns(messages).length === 0 ? { text: "", toolCalls: [search] } : { text: "The rotation hands over every Tuesday at 09:00. ".repeat(20) });
    const chatId = (await client.api("POST", `/v1/projects/${projectId}/chats`, {})).body.id;
    const seen = await readEventStream(await send(chatId, "When does on-call hand over?"), (_event, received) => received.filter((event) => event.event === "token").length < 3);
    const messageId = seen[0]!.data.messageId;

    await restartChat();
    const failed = await eventually(async () => {
      const message = (await client.api("GET", `${chatPath(chatId)}/messages/${messageId}`)).body;
      expect(message.status).toBe("failed");
      return message;
    }, 20_000);
    expect(failed.error.code).toBe("unavailable");
    expect(failed.error.reason).toContain("stopped while writing this answer");

    // The client that saw part of it resumes and learns why it ended; the numbering never repeats.
    const rest = await readEventStream(await fetch(`${mesh.url}${chatPath(chatId)}/messages/${messageId}/events`, { headers: { authorization: await client.authorization(), "last-event-id": String(seen.at(-1)!.id) } }));
    expect(rest.at(-1)).toMatchObject({ event: "error", data: { code: "unavailable" } });
    const all = [...seen, ...rest];
    expect(all.map((event) => event.id)).toEqual(all.map((_event, index) => index + 1));

    behaviour.pieceDelayMs = 0;
    script = (messages) => (toolTurns(messages).length === 0 ? { text: "", toolCalls: [search] } : { text: "Every Tuesday at 09:00." });
    const next = await readEventStream(await send(chatId, "When does on-call hand over, again?"));
    expect(next.at(-1)!.data.message).toMatchObject({ status: "completed", content: "Every Tuesday at 09:00." });
  }, 60_000);

  it("keeps the question an answer waits on across a restart of the chat process; the user's reply completes that answer", async () => {
    behaviour.pieceDelayMs = 0;
    script = (messages) => {
      if (toolTurns(messages).length === 0) return { text: "", toolCalls: [{ name: "ask_user", arguments: JSON.stringify({ question: "Which team's on-call?" }) }] };
      if (toolTurns(messages).length === 1) return { text: "", toolCalls: [search] };
      return { text: `The platform team's rotation hands over every Tuesday at 09:00 [1].` };
    };
    const chatId = (await client.api("POST", `/v1/projects/${projectId}/chats`, {})).body.id;
    const asked = await readEventStream(await send(chatId, "When does on-call hand over?"));
    expect(asked.at(-1)).toMatchObject({ event: "question", data: { text: "Which team's on-call?" } });
    const messageId = asked[0]!.data.messageId;

    await restartChat();
    expect((await client.api("GET", `${chatPath(chatId)}/messages/${messageId}`)).body.status).toBe("awaiting_user");
    const resumed = await readEventStream(await send(chatId, "the platform team"));
    const completed = resumed.at(-1)!.data.message;
    expect(completed).toMatchObject({ id: messageId, status: "completed" });
    expect(completed.citations.map((citation: { path: string }) => citation.path)).toEqual(["oncall.md"]);
    // The model saw the user's reply as the result of its question.
    const lastRequest = model.requests.filter((request) => request.path === "/v1/chat/completions").at(-1)!;
    expect(toolTurns(lastRequest.body.messages)[0]!.content).toBe("The user answered: the platform team");
  }, 60_000);

  it("keeps a tool call waiting for approval across restarts of the chat and tool-runtime processes; the owner's approval runs it and completes the answer", async () => {
    behaviour.pieceDelayMs = 0;
    const settingsPath = `/v1/projects/${projectId}/tool-settings`;
    expect((await client.api("PUT", settingsPath, { allowedHosts: [], policies: [{ pattern: "semantic_search", policy: "ask" }] })).status).toBe(200);
    script = (messages) => (toolTurns(messages).length === 0 ? { text: "", toolCalls: [search] } : { text: "It hands over every Tuesday at 09:00 [1]." });
    const chatId = (await client.api("POST", `/v1/projects/${projectId}/chats`, {})).body.id;
    const paused = await readEventStream(await send(chatId, "When does on-call hand over?"));
    expect(paused.at(-1)).toMatchObject({ event: "approval.requested", data: { tool: "semantic_search", decision: "pending" } });
    const messageId = paused[0]!.data.messageId;
    const approvalId = paused.at(-1)!.data.id;

    await mesh.kill("tool-runtime");
    mesh.startService("tool-runtime");
    await restartChat();
    expect((await client.api("GET", `${chatPath(chatId)}/messages/${messageId}`)).body).toMatchObject({ status: "awaiting_approval", approvals: [{ id: approvalId, decision: "pending" }] });
    const resumed = await readEventStream(
      await fetch(`${mesh.url}${chatPath(chatId)}/messages/${messageId}/approvals/${approvalId}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", authorization: await client.authorization() },
        body: JSON.stringify({ decision: "approve" }),
      }),
    );
    expect(resumed.find((event) => event.event === "tool.finished")!.data).toMatchObject({ failed: false, references: [{ path: "oncall.md" }] });
    const completed = resumed.at(-1)!.data.message;
    expect(completed).toMatchObject({ id: messageId, status: "completed", approvals: [{ id: approvalId, decision: "approved" }] });
    expect(completed.citations.map((citation: { path: string }) => citation.path)).toEqual(["oncall.md"]);
    expect((await client.api("PUT", settingsPath, { allowedHosts: [], policies: [] })).status).toBe(200);
  }, 90_000);
});
