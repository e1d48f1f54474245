import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, gatewayClient, readEventStream, SocketClient, startFakeModelServer, type FakeModelBehaviour, type FakeModelServer, type ScriptedReply, type WireMessage } from "@qamesh/testkit";
import { distractorFiles, projectWithFiles, startHarness, type Harness } from "./standalone-harness.js";

/** The tool results of the answer being written: those after the question (earlier turns come with theirs). */
const toolTurns = (messages: WireMessage[]) => messages.slice(messages.findLastIndex((turn) => turn.role === "user")).filter((turn) => turn.role === "tool");
const isTitleRequest = (messages: WireMessage[]) => String(messages[0]?.content ?? "").startsWith("Write a title");

/** The number the tool results gave the passage mentioning `words`. */
function passageNumber(messages: WireMessage[], words: string): string | undefined {
  for (const message of toolTurns(messages)) {
    for (const block of String(message.content).split(/\n\n(?=\[\d+\] )/)) if (block.includes(words)) return block.match(/^\[(\d+)\]/)?.[1];
  }
  return undefined;
}

/** A model that searches first, then answers from what it found (citing it), and names chats. */
function searchingModel(answer: (messages: WireMessage[]) => string): (messages: WireMessage[]) => ScriptedReply {
  return (messages) => {
    if (isTitleRequest(messages)) return { text: "Invoice retry schedule" };
    if (toolTurns(messages).length === 0) return { text: "", toolCalls: [{ name: "semantic_search", arguments: JSON.stringify({ query: String(messages.at(-1)?.content), k: 3 }) }] };
    return { text: answer(messages), usage: { promptTokens: 120, completionTokens: 30 } };
  };
}

const longAnswer = (messages: WireMessage[]) => `Failed invoices are retried every 17 minutes [${passageNumber(messages, "17 minutes")}]. ${"The reconciler keeps trying until the invoice is paid. ".repeat(6)}`;

/** An SSE event as the same {seq, type, data} object the WebSocket carries. */
const asSocketEvent = (event: { id: number | undefined; event: string; data: unknown }) => ({ seq: event.id, type: event.event, data: event.data });

describe("chats", () => {
  let model: FakeModelServer;
  let harness: Harness;
  let projectId: string;
  const behaviour: FakeModelBehaviour = { answer: () => "unscripted", embedding: () => [] };
  let script: (messages: WireMessage[]) => ScriptedReply = () => ({ text: "unscripted" });

  const chatPath = (chatId: string) => `/v1/projects/${projectId}/chats/${chatId}`;
  const newChat = async () => (await harness.api("POST", `/v1/projects/${projectId}/chats`, {})).body.id as string;
  const post = async (path: string, body: unknown, accept = "text/event-stream", gatewayUrl = harness.gatewayUrl) =>
    fetch(`${gatewayUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", accept, authorization: await harness.authorization() }, body: JSON.stringify(body) });
  const events = async (chatId: string, messageId: string, headers: Record<string, string> = {}, gatewayUrl = harness.gatewayUrl) =>
    fetch(`${gatewayUrl}${chatPath(chatId)}/messages/${messageId}/events`, { headers: { accept: "text/event-stream", authorization: await harness.authorization(), ...headers } });
   
  const sendAndWait = async (chatId: string, content: string): Promise<any> => (await post(`${chatPath(chatId)}/messages`, { content }, "application/json")).json();
  const message = async (chatId: string, messageId: string) => (await harness.api("GET", chatPath(chatId))).body.messages.find((candidate: { id: string }) => candidate.id === messageId);

  beforeAll(async () => {
    behaviour.answer = (messages) => script(messages);
    model = await startFakeModelServer(behaviour);
    // A question waits 5 s here (a day by default): long enough for the tests that answer one on
    // a busy machine, short enough for the one that leaves it unanswered.
    harness = await startHarness({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${model.url}/v1`, LLM_MODEL: "gpt-chat", ANSWER_QUESTION_TTL_MS: "5000" });
    ({ projectId } = await projectWithFiles(harness, harness.root, "Chats", {
      "billing.md": "# Billing\n\nFailed invoices are retried every 17 minutes.\n",
      "weekends.md": "# Weekends\n\nOn weekends the retry interval doubles to 34 minutes.\n",
      ...distractorFiles,
    }));
  });

  afterAll(async () => {
    await harness?.stop();
    await model?.close();
  });

  it("answers in a chat, lets the model name it, and answers a follow-up that depends on the previous turn", async () => {
    behaviour.pieceDelayMs = 0;
    script = searchingModel((messages) => `Every 17 minutes [${passageNumber(messages, "17 minutes")}].`);
    const created = await harness.api("POST", `/v1/projects/${projectId}/chats`, {});
    expect(created.status).toBe(201);
    expect(created.body.title).toBe("");
    const chatId = created.body.id;

    const first = await post(`${chatPath(chatId)}/messages`, { content: "How often are failed invoices retried?" }, "application/json");
    expect(first.status).toBe(200);
    const { userMessage, message: answer } = (await first.json()) as { userMessage: any; message: any };  
    expect(first.headers.get("location")).toBe(`${chatPath(chatId)}/messages/${answer.id}/events`);
    expect(userMessage).toMatchObject({ role: "user", content: "How often are failed invoices retried?", status: "completed" });
    expect(answer).toMatchObject({ role: "assistant", status: "completed", version: 1, replyTo: userMessage.id, provider: "openai:gpt-chat" });
    expect(answer.content).toMatch(/^Every 17 minutes \[\d\]\.$/);
    expect(answer.citations.map((citation: { path: string }) => citation.path)).toEqual(["billing.md"]);
    expect(answer.usage).toEqual({ promptTokens: 120, completionTokens: 30 });
    // The title is the model's (a heuristic one stands in until it has written it).
    await eventually(async () => expect((await harness.api("GET", chatPath(chatId))).body.title).toBe("Invoice retry schedule"));

    script = (messages) => {
      if (isTitleRequest(messages)) return { text: "should not be asked again" };
      // The follow-up only makes sense with the first turn in the prompt.
      const history = messages.map((turn) => String(turn.content ?? "")).join("\n");
      if (!history.includes("How often are failed invoices retried?") || !history.includes("Every 17 minutes")) return { text: "What are you referring to?" };
      return searchingModel((later) => `On weekends it doubles to 34 minutes [${passageNumber(later, "34 minutes")}].`)(messages);
    };
    const second = await sendAndWait(chatId, "And on weekends?");
    expect(second.message.content).toMatch(/^On weekends it doubles to 34 minutes \[\d\]\.$/);
    expect(second.message.citations.map((citation: { path: string }) => citation.path)).toEqual(["weekends.md"]);

    const chat = (await harness.api("GET", chatPath(chatId))).body;
    expect(chat.title).toBe("Invoice retry schedule");
    expect(chat.messages.map((turn: { role: string; status: string }) => `${turn.role}:${turn.status}`)).toEqual(["user:completed", "assistant:completed", "user:completed", "assistant:completed"]);
    const listed = (await harness.api("GET", `/v1/projects/${projectId}/chats`)).body;
    expect(listed.chats[0]).toMatchObject({ id: chatId, title: "Invoice retry schedule" });
    expect(chat.earlierMessages).toBe(false);
    // The messages a page at a time, oldest first.
    const firstPage = (await harness.api("GET", `${chatPath(chatId)}/messages?limit=3`)).body;
    expect(firstPage.messages.map((turn: { id: string }) => turn.id)).toEqual(chat.messages.slice(0, 3).map((turn: { id: string }) => turn.id));
    const secondPage = (await harness.api("GET", `${chatPath(chatId)}/messages?limit=3&cursor=${firstPage.nextCursor}`)).body;
    expect(secondPage).toMatchObject({ messages: [{ id: chat.messages[3].id }], nextCursor: null });
  });

  it("streams numbered events; a client that hangs up mid-answer resumes on another gateway with Last-Event-ID and gets every event once, in order", async () => {
    behaviour.pieceDelayMs = 15;
    script = searchingModel(longAnswer);
    const chatId = await newChat();
    const other = await harness.anotherGateway();
    const response = await post(`${chatPath(chatId)}/messages`, { content: "How often are failed invoices retried?" });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const before = await readEventStream(response, (_event, received) => received.filter((event) => event.event === "token").length < 5);
    const messageId = before[0]!.data.messageId;
    expect(before[0]!.event).toBe("message.started");

    const after = await readEventStream(await events(chatId, messageId, { "last-event-id": String(before.at(-1)!.id) }, other));
    const all = [...before, ...after];
    expect(all.map((event) => event.id)).toEqual(all.map((_event, index) => index + 1));
    expect(all.at(-1)!.event).toBe("message.completed");
    const completed = all.at(-1)!.data.message;
    expect(all.filter((event) => event.event === "token").map((event) => event.data.text).join("")).toBe(completed.content);
    expect(all.map((event) => event.event)).toEqual(expect.arrayContaining(["tool.started", "tool.finished", "citations"]));

    // Replayed from the start after it ended, from either gateway: the very same sequence.
    const replayed = await readEventStream(await events(chatId, messageId, {}, other));
    expect(replayed).toEqual(all);
    const authorization = await harness.authorization();
    const lastTwo = await readEventStream(await fetch(`${harness.gatewayUrl}${chatPath(chatId)}/messages/${messageId}/events?after=${all.length - 2}`, { headers: { authorization } }));
    expect(lastTwo).toEqual(all.slice(-2));
  });

  it("carries the same events over WebSocket: send, leave mid-answer, resume on another gateway from a cursor; identical to SSE", async () => {
    behaviour.pieceDelayMs = 15;
    script = searchingModel(longAnswer);
    const chatId = await newChat();
    const authorization = await harness.authorization();
    const first = await SocketClient.open(harness.gatewayUrl, authorization);
    first.send({ type: "send", ref: "q1", projectId, chatId, content: "How often are failed invoices retried?" });
    const sent = await first.until((frame) => frame.type === "sent");
    expect(sent).toMatchObject({ ref: "q1", userMessage: { role: "user" }, message: { status: "streaming" } });
    const messageId = sent.message.id;
    await first.until(() => first.eventsOf(messageId).filter((event: { type: string }) => event.type === "token").length >= 5);
    first.close();
    const before = first.eventsOf(messageId);

    const second = await SocketClient.open(await harness.anotherGateway(), authorization, "subprotocol");
    second.send({ type: "subscribe", projectId, chatId, messageId, after: before.at(-1).seq });
    await second.until((frame) => frame.type === "end" && frame.messageId === messageId);
    second.close();
    const all = [...before, ...second.eventsOf(messageId)];
    expect(all.map((event: { seq: number }) => event.seq)).toEqual(all.map((_event: unknown, index: number) => index + 1));
    expect(all.at(-1).type).toBe("message.completed");
    // Exactly the objects SSE replays for the same answer.
    const replayed = await readEventStream(await events(chatId, messageId));
    expect(all).toEqual(replayed.map(asSocketEvent));
  });

  it("stops and answers a question over WebSocket, refuses an upgrade without a valid credential, and names a bad frame's field", async () => {
    behaviour.pieceDelayMs = 0;
    script = (messages) => {
      if (isTitleRequest(messages)) return { text: "Retries" };
      if (toolTurns(messages).length === 0) return { toolCalls: [{ name: "ask_user", arguments: JSON.stringify({ question: "Invoices or deploys?" }) }] };
      return { text: "Invoices: every 17 minutes." };
    };
    const socket = await SocketClient.open(harness.gatewayUrl, await harness.authorization());
    const chatId = await newChat();
    socket.send({ type: "send", ref: "ask", projectId, chatId, content: "How often are retries?" });
    const messageId = (await socket.until((frame) => frame.type === "sent")).message.id;
    await socket.until((frame) => frame.type === "end" && frame.messageId === messageId);
    expect(socket.eventsOf(messageId).at(-1)).toMatchObject({ type: "question", data: { text: "Invoices or deploys?" } });
    socket.send({ type: "answer", ref: "reply", projectId, chatId, content: "invoices" });
    const resumed = await socket.until((frame) => frame.type === "sent" && frame.ref === "reply");
    expect(resumed.message.id).toBe(messageId);
    await socket.until((frame) => frame.type === "event" && frame.event.type === "message.completed");
    expect(socket.eventsOf(messageId).at(-1).data.message).toMatchObject({ status: "completed", content: "Invoices: every 17 minutes." });

    behaviour.pieceDelayMs = 40;
    script = searchingModel(longAnswer);
    socket.send({ type: "send", ref: "long", projectId, chatId, content: "Tell me everything about retries." });
    const long = (await socket.until((frame) => frame.type === "sent" && frame.ref === "long")).message.id;
    await socket.until((frame) => frame.type === "event" && frame.messageId === long && frame.event.type === "token");
    socket.send({ type: "stop", ref: "halt", projectId, chatId, messageId: long });
    expect((await socket.until((frame) => frame.type === "stopped")).message).toMatchObject({ id: long, status: "stopped" });

    socket.send({ type: "send", projectId, chatId });
    expect(await socket.until((frame) => frame.type === "error")).toMatchObject({ error: { code: "invalid_argument", field: "content" } });
    socket.close();

    const refused = new WebSocket(`${harness.gatewayUrl.replace(/^http/, "ws")}/v1/ws`, { headers: { authorization: "Bearer not-a-token" } });
    const [, response] = (await once(refused, "unexpected-response")) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(401);
  });

  it("keeps writing an answer whose client left; stop ends it with its text so far, and the chat takes the next message", async () => {
    behaviour.pieceDelayMs = 40;
    script = searchingModel(longAnswer);
    const chatId = await newChat();
    const started = await readEventStream(await post(`${chatPath(chatId)}/messages`, { content: "How often are failed invoices retried?" }), (event) => event.event !== "token");
    const messageId = started[0]!.data.messageId;
    await sleep(300);
    // Gone for a while, the answer is still being written.
    expect((await message(chatId, messageId)).status).toBe("streaming");

    const stopped = await harness.api("POST", `${chatPath(chatId)}/messages/${messageId}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body.status).toBe("stopped");
    expect(stopped.body.content.length).toBeGreaterThan(0);
    expect(longAnswer([]).length).toBeGreaterThan(stopped.body.content.length);
    const replay = await readEventStream(await events(chatId, messageId));
    expect(replay.at(-1)).toMatchObject({ event: "message.completed", data: { message: { status: "stopped", content: stopped.body.content } } });
    // Stopping again changes nothing.
    expect((await harness.api("POST", `${chatPath(chatId)}/messages/${messageId}/stop`)).body.content).toBe(stopped.body.content);

    behaviour.pieceDelayMs = 0;
    script = searchingModel(() => "Every 17 minutes.");
    const next = await sendAndWait(chatId, "Once more, briefly?");
    expect(next.message.status).toBe("completed");
  });

  it("reads a long chat's latest hundred messages, older ones a page at a time", async () => {
    behaviour.pieceDelayMs = 0;
    script = () => ({ text: "Noted." });
    const chatId = await newChat();
    for (let turn = 1; turn <= 51; turn++) expect((await sendAndWait(chatId, `Note ${turn}`)).message.status).toBe("completed");
    const chat = (await harness.api("GET", chatPath(chatId))).body;
    expect(chat.messages).toHaveLength(100);
    expect(chat.earlierMessages).toBe(true);
    expect(chat.messages[0].content).toBe("Note 2");
    const oldest = (await harness.api("GET", `${chatPath(chatId)}/messages?limit=2`)).body;
    expect(oldest.messages.map((turn: { content: string }) => turn.content)).toEqual(["Note 1", "Noted."]);
  });

  it("answers 202 at once when asked to respond async, and refuses a second message while the answer is being written (409)", async () => {
    behaviour.pieceDelayMs = 40;
    script = searchingModel(longAnswer);
    const chatId = await newChat();
    const accepted = await harness.api("POST", `${chatPath(chatId)}/messages`, { content: "How often are failed invoices retried?" }, { prefer: "respond-async" });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ userMessage: { role: "user" }, message: { status: "streaming" }, eventsAfter: 0 });
    const busy = await harness.api("POST", `${chatPath(chatId)}/messages`, { content: "Hello?" });
    expect(busy.status).toBe(409);
    // Followed afterwards, it is all there.
    await harness.api("POST", `${chatPath(chatId)}/messages/${accepted.body.message.id}/stop`);
    expect((await readEventStream(await events(chatId, accepted.body.message.id)))[0]!.event).toBe("message.started");
  });

  it("regenerates the latest answer as a new version and keeps the earlier one; an older answer cannot be", async () => {
    behaviour.pieceDelayMs = 0;
    let attempt = 0;
    script = searchingModel(() => `Attempt ${++attempt}.`);
    const chatId = await newChat();
    const first = await sendAndWait(chatId, "How often are failed invoices retried?");
    const second = await sendAndWait(chatId, "And on weekends?");

    const regenerated = await post(`${chatPath(chatId)}/messages/${second.message.id}/regenerate`, {});
    const streamed = await readEventStream(regenerated);
    expect(streamed[0]).toMatchObject({ event: "message.started", data: { replyTo: second.userMessage.id, version: 2 } });
    expect(streamed.at(-1)!.data.message).toMatchObject({ content: "Attempt 3.", version: 2, status: "completed" });

    const chat = (await harness.api("GET", chatPath(chatId))).body;
    const versions = chat.messages.filter((turn: { replyTo: string | null; role: string }) => turn.role === "assistant" && turn.replyTo === second.userMessage.id);
    expect(versions.map((turn: { version: number; content: string }) => [turn.version, turn.content])).toEqual([
      [1, "Attempt 2."],
      [2, "Attempt 3."],
    ]);
    expect((await harness.api("POST", `${chatPath(chatId)}/messages/${first.message.id}/regenerate`)).status).toBe(409);
  });

  it("asks the user when the question is ambiguous, waits, and goes on with the same answer once they reply", async () => {
    behaviour.pieceDelayMs = 0;
    script = (messages) => {
      if (isTitleRequest(messages)) return { text: "Retries" };
      const reply = toolTurns(messages).find((turn) => turn.tool_call_id !== undefined && String(turn.content).startsWith("The user answered:"));
      if (!reply && toolTurns(messages).length === 0) {
        return { text: "Which one do you mean? ", toolCalls: [{ name: "ask_user", arguments: JSON.stringify({ question: "Retries of what: invoices or deploys?", choices: ["invoices", "deploys"] }) }] };
      }
      return searchingModel((later) => `Invoices are retried every 17 minutes [${passageNumber(later, "17 minutes")}].`)(messages.filter((turn) => turn.role !== "tool" || !String(turn.content).startsWith("The user answered:")));
    };
    const chatId = await newChat();
    const paused = await readEventStream(await post(`${chatPath(chatId)}/messages`, { content: "How often are retries?" }));
    expect(paused.at(-1)).toMatchObject({ event: "question", data: { text: "Retries of what: invoices or deploys?", choices: ["invoices", "deploys"] } });
    const messageId = paused[0]!.data.messageId;
    expect(await message(chatId, messageId)).toMatchObject({ status: "awaiting_user", question: { text: "Retries of what: invoices or deploys?" } });

    const resumed = await post(`${chatPath(chatId)}/messages`, { content: "invoices" });
    const rest = await readEventStream(resumed);
    // The same answer goes on: its events continue the numbering.
    expect(rest[0]!.id).toBe(paused.at(-1)!.id! + 1);
    const completed = rest.at(-1)!.data.message;
    expect(completed).toMatchObject({ id: messageId, status: "completed", question: null });
    expect(completed.content).toMatch(/^Which one do you mean\? Invoices are retried every 17 minutes \[\d\]\.$/);
    expect(completed.citations.map((citation: { path: string }) => citation.path)).toEqual(["billing.md"]);
    // Replayed whole, question included, numbered once.
    const replay = await readEventStream(await events(chatId, messageId));
    expect(replay).toEqual([...paused, ...rest]);
  });

  it("stops an answer that waits for the user's reply; it cannot be regenerated while it waits", async () => {
    behaviour.pieceDelayMs = 0;
    script = (messages) => (toolTurns(messages).length === 0 ? { text: "Which one? ", toolCalls: [{ name: "ask_user", arguments: JSON.stringify({ question: "Invoices or deploys?" }) }] } : { text: "unexpected" });
    const chatId = await newChat();
    const paused = await readEventStream(await post(`${chatPath(chatId)}/messages`, { content: "How often are retries?" }));
    const messageId = paused[0]!.data.messageId;
    const regenerate = await harness.api("POST", `${chatPath(chatId)}/messages/${messageId}/regenerate`);
    expect(regenerate.status).toBe(409);
    expect(regenerate.body.error.message).toContain("waits for your reply");
    const stopped = await harness.api("POST", `${chatPath(chatId)}/messages/${messageId}/stop`);
    expect(stopped.body).toMatchObject({ status: "stopped", content: "Which one? ", question: null });
    const replay = await readEventStream(await events(chatId, messageId));
    expect(replay.at(-1)).toMatchObject({ id: paused.at(-1)!.id! + 1, event: "message.completed", data: { message: { status: "stopped" } } });
  });

  it("gives up a question nobody answered in time: the answer ends failed with the reason, and the next message starts a new one", async () => {
    behaviour.pieceDelayMs = 0;
    script = (messages) => {
      if (isTitleRequest(messages)) return { text: "Retries" };
      if (toolTurns(messages).length === 0 && !String(messages.at(-1)?.content).startsWith("Something else")) {
        return { toolCalls: [{ name: "ask_user", arguments: JSON.stringify({ question: "Invoices or deploys?" }) }] };
      }
      return { text: "A new answer." };
    };
    const chatId = await newChat();
    const paused = await readEventStream(await post(`${chatPath(chatId)}/messages`, { content: "How often are retries?" }));
    const asked = paused.at(-1)!;
    expect(asked.event).toBe("question");
    expect(Date.parse(asked.data.expiresAt)).toBeGreaterThan(Date.now());
    const messageId = paused[0]!.data.messageId;
    await sleep(5200);

    const next = await sendAndWait(chatId, "Something else: what are deploy freezes?");
    expect(next.message).toMatchObject({ status: "completed", content: "A new answer." });
    expect(next.message.id).not.toBe(messageId);
    expect(await message(chatId, messageId)).toMatchObject({ status: "failed", error: { code: "deadline_exceeded", reason: expect.stringContaining("unanswered") }, question: null });
    const replay = await readEventStream(await events(chatId, messageId));
    expect(replay.at(-1)).toMatchObject({ event: "error", id: asked.id! + 1, data: { code: "deadline_exceeded" } });
  });

  it("keeps chats private: another user, even a project admin, can neither read, follow, stop, regenerate nor write in them", async () => {
    behaviour.pieceDelayMs = 0;
    script = searchingModel(() => "Every 17 minutes.");
    const chatId = await newChat();
    const sent = await sendAndWait(chatId, "How often are failed invoices retried?");
    const password = "a-long-enough-password";
    await harness.api("POST", "/v1/users", { username: "mallory", password });
    const malloryId = (await harness.api("GET", "/v1/users")).body.users.find((user: { username: string }) => user.username === "mallory").id;
    expect((await harness.api("PUT", `/v1/projects/${projectId}/members/${malloryId}`, { role: "admin" })).status).toBe(200);
    const mallory = gatewayClient(() => harness.gatewayUrl, { username: "mallory", password });

    const answerPath = `${chatPath(chatId)}/messages/${sent.message.id}`;
    expect((await mallory.api("GET", chatPath(chatId))).status).toBe(404);
    expect((await mallory.api("GET", `${answerPath}/events`)).status).toBe(404);
    expect((await mallory.api("POST", `${answerPath}/stop`)).status).toBe(404);
    expect((await mallory.api("POST", `${answerPath}/regenerate`)).status).toBe(404);
    expect((await mallory.api("POST", `${chatPath(chatId)}/messages`, { content: "hi" })).status).toBe(404);
    expect((await mallory.api("PATCH", chatPath(chatId), { title: "mine" })).status).toBe(404);
    expect((await mallory.api("DELETE", chatPath(chatId))).status).toBe(404);
    expect((await mallory.api("GET", `/v1/projects/${projectId}/chats`)).body.chats).toEqual([]);
    // The owner's chat is untouched.
    expect((await harness.api("GET", chatPath(chatId))).body.messages).toHaveLength(2);
  });

  it("deletes a project's chats with the project: a project created again under the same id starts without them", async () => {
    behaviour.pieceDelayMs = 0;
    script = () => ({ text: "Nothing is indexed here yet." });
    expect((await harness.api("POST", "/v1/projects", { id: "doomed", name: "Doomed" })).status).toBe(201);
    const chatId = (await harness.api("POST", "/v1/projects/doomed/chats", {})).body.id;
    expect((await harness.api("POST", `/v1/projects/doomed/chats/${chatId}/messages`, { content: "Anything here?" })).body.message.status).toBe("completed");
    expect((await harness.api("DELETE", "/v1/projects/doomed")).status).toBe(204);
    expect((await harness.api("POST", "/v1/projects", { id: "doomed", name: "Doomed again" })).status).toBe(201);
    await eventually(async () => expect((await harness.api("GET", `/v1/projects/doomed/chats/${chatId}`)).status).toBe(404));
    expect((await harness.api("GET", "/v1/projects/doomed/chats")).body.chats).toEqual([]);
  });

  it("renames and deletes a chat, and refuses bad input naming the field", async () => {
    const chatId = await newChat();
    expect((await harness.api("PATCH", chatPath(chatId), { title: "Renamed" })).body.title).toBe("Renamed");
    expect((await harness.api("POST", `${chatPath(chatId)}/messages`, { content: "  " })).body.error).toMatchObject({ code: "invalid_argument", field: "content" });
    expect((await harness.api("PATCH", chatPath(chatId), { title: "x".repeat(201) })).body.error.field).toBe("title");
    expect((await harness.api("POST", `/v1/projects/${projectId}/chats`, { title: "a", extra: 1 })).status).toBe(400);
    const badCursor = await events(chatId, "nope", { "last-event-id": "soon" });
    expect(badCursor.status).toBe(400);
    expect((await harness.api("GET", `${chatPath(chatId)}/messages/nope/events`)).status).toBe(404);
    expect((await harness.api("DELETE", chatPath(chatId))).status).toBe(204);
    expect((await harness.api("GET", chatPath(chatId))).status).toBe(404);
  });
});
