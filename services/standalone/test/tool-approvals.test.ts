import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, readEventStream, SocketClient, startFakeModelServer, type FakeModelServer, type GatewayClient, type ReceivedEvent, type ScriptedReply, type WireMessage } from "@qamesh/testkit";
import { auditedToolCalls, projectMember, projectWithFiles, sha256, startHarness, type Harness } from "./standalone-harness.js";

const password = "a-long-user-password-42";
/** How long a call waits for a decision here (a day by default): enough to decide on a busy machine, short enough to watch one expire. */
const approvalTtlMs = 6_000;

/**
 * Calls of a tool under an `ask` policy, end to end: the answer pauses and says which call waits,
 * the chat's owner approves (as asked or edited) or denies it, and only then does the tool's
 * API (a local "orders API" on 127.0.0.2) see a request. The model is scripted, speaking
 * OpenAI's protocol: it calls order_status once, then answers with what the tool told it.
 */
describe("tool calls that wait for the chat owner's approval", () => {
  let harness: Harness;
  let model: FakeModelServer;
  let projectId: string;
  let member: GatewayClient;
  let orders: HttpServer;
  const ordersSeen: string[] = [];
  const call = { name: "order_status", arguments: JSON.stringify({ orderId: "A-17" }) };

  const chatPath = (chatId: string) => `/v1/projects/${projectId}/chats/${chatId}`;
  const post = async (path: string, body: unknown, client: GatewayClient = harness) =>
    fetch(`${harness.gatewayUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", accept: "text/event-stream", authorization: await client.authorization() }, body: JSON.stringify(body) });
  const message = async (chatId: string, messageId: string) => (await harness.api("GET", `${chatPath(chatId)}/messages/${messageId}`)).body;

  /** A new chat whose first answer pauses on the model's call; returns its ids and the approval it waits for. */
  async function pausedAnswer(): Promise<{ chatId: string; messageId: string; approval: Record<string, unknown>; events: ReceivedEvent[] }> {
    const chatId = (await harness.api("POST", `/v1/projects/${projectId}/chats`, {})).body.id as string;
    const events = await readEventStream(await post(`${chatPath(chatId)}/messages`, { content: "What is the status of order A-17?" }));
    const messageId = String(events[0]!.data.messageId);
    const requested = events.find((event) => event.event === "approval.requested");
    expect(requested, JSON.stringify(events.map((event) => event.event))).toBeDefined();
    return { chatId, messageId, approval: requested!.data, events };
  }

  const decisionPath = (chatId: string, messageId: string, approvalId: unknown) => `${chatPath(chatId)}/messages/${messageId}/approvals/${String(approvalId)}`;

  beforeAll(async () => {
    orders = createHttpServer((request, response) => {
      ordersSeen.push(request.url ?? "");
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ order: { id: request.url?.split("/")[2], status: "shipped" } }));
    });
    await new Promise<void>((resolve) => orders.listen(0, "127.0.0.2", resolve));
    const ordersBase = `http://127.0.0.2:${(orders.address() as AddressInfo).port}`;

    const script = (messages: WireMessage[]): ScriptedReply => {
      const result = messages.filter((turn) => turn.role === "tool").at(-1);
      if (!result) return { text: "Let me look that up. ", toolCalls: [call] };
      return { text: `The tool said: ${String(result.content).slice(0, 300)}` };
    };
    model = await startFakeModelServer({ answer: script, embedding: () => [] });
    harness = await startHarness({
      LLM_PROVIDER: "openai",
      LLM_BASE_URL: `${model.url}/v1`,
      LLM_MODEL: "gpt-tools",
      OUTBOUND_ALLOWED_NETWORKS: "127.0.0.2/32",
      ANSWER_QUESTION_TTL_MS: String(approvalTtlMs),
    });
    ({ projectId } = await projectWithFiles(harness, harness.root, "Approvals", { "README.md": "# Shop\n" }));
    const created = await harness.api("POST", `/v1/projects/${projectId}/tools`, {
      name: "order_status",
      description: "Looks up an order's status in the orders API.",
      inputSchema: { type: "object", properties: { orderId: { type: "string", pattern: "^[A-Z]-[0-9]+$" } }, required: ["orderId"], additionalProperties: false },
      kind: "http",
      http: { method: "GET", url: `${ordersBase}/orders/{orderId}`, response: { path: "$.order" } },
    });
    // New tools are under `ask` until an admin says otherwise.
    expect(created.body.policy).toBe("ask");
    member = await projectMember(harness, projectId, "mia", password);
  });

  afterAll(async () => {
    await harness?.stop();
    await model?.close();
    orders?.closeAllConnections();
    await new Promise((resolve) => orders?.close(resolve));
  });

  it("pauses the answer on the call: the event names the tool, its arguments and why, and the tool has not run", async () => {
    ordersSeen.length = 0;
    const { chatId, messageId, approval, events } = await pausedAnswer();
    expect(approval).toMatchObject({ callId: expect.any(String), tool: "order_status", arguments: { orderId: "A-17" }, decision: "pending", reason: "the project's policy asks the chat owner to approve each call of order_status" });
    expect(Date.parse(String(approval.expiresAt))).toBeGreaterThan(Date.now());
    expect(events.map((event) => event.event)).not.toContain("tool.started");
    expect(await message(chatId, messageId)).toMatchObject({ status: "awaiting_approval", content: "Let me look that up. ", approvals: [{ id: approval.id, decision: "pending" }] });
    expect(ordersSeen).toEqual([]);
    // The chat takes no other message meanwhile.
    expect((await harness.api("POST", `${chatPath(chatId)}/messages`, { content: "Anything else?" })).status).toBe(409);
  });

  it("runs the call once its owner approves, and the same answer goes on with the result", async () => {
    ordersSeen.length = 0;
    const { chatId, messageId, approval } = await pausedAnswer();
    const resumed = await readEventStream(await post(decisionPath(chatId, messageId, approval.id), { decision: "approve" }));
    expect(resumed.map((event) => event.event)).toEqual(["approval.decided", "tool.started", "tool.finished", ...Array(resumed.length - 5).fill("token"), "citations", "message.completed"]);
    expect(resumed[0]!.data).toMatchObject({ id: approval.id, decision: "approved", decidedBy: expect.any(String), approvedArguments: { orderId: "A-17" } });
    expect(ordersSeen).toEqual(["/orders/A-17"]);
    const done = resumed.at(-1)!.data.message;
    expect(done).toMatchObject({ id: messageId, status: "completed", approvals: [{ id: approval.id, decision: "approved" }] });
    expect(done.content).toContain("Let me look that up. The tool said:");
    expect(done.content).toContain("shipped");
    // A decision is taken once.
    expect((await harness.api("POST", decisionPath(chatId, messageId, approval.id), { decision: "approve" })).status).toBe(409);
    expect(ordersSeen).toEqual(["/orders/A-17"]);
  });

  it("runs the arguments its owner edited instead of the model's, after checking them against the tool's schema", async () => {
    ordersSeen.length = 0;
    const { chatId, messageId, approval } = await pausedAnswer();
    const refused = await harness.api("POST", decisionPath(chatId, messageId, approval.id), { decision: "approve", arguments: { orderId: "../../admin" } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ field: "arguments" });
    expect((await harness.api("POST", decisionPath(chatId, messageId, approval.id), { decision: "maybe" })).body.error).toMatchObject({ field: "decision" });
    expect(ordersSeen).toEqual([]);

    const resumed = await readEventStream(await post(decisionPath(chatId, messageId, approval.id), { decision: "approve", arguments: { orderId: "B-2" } }));
    expect(resumed[0]!.data).toMatchObject({ decision: "approved", arguments: { orderId: "A-17" }, approvedArguments: { orderId: "B-2" } });
    expect(resumed.find((event) => event.event === "tool.started")!.data).toMatchObject({ tool: "order_status", arguments: JSON.stringify({ orderId: "B-2" }) });
    expect(ordersSeen).toEqual(["/orders/B-2"]);
    expect(resumed.at(-1)!.data.message.status).toBe("completed");
  });

  it("never runs a call its owner denies: the model is told, and answers without it", async () => {
    ordersSeen.length = 0;
    const { chatId, messageId, approval } = await pausedAnswer();
    model.requests.length = 0;
    const resumed = await readEventStream(await post(decisionPath(chatId, messageId, approval.id), { decision: "deny" }));
    expect(resumed[0]).toMatchObject({ event: "approval.decided", data: { decision: "denied", approvedArguments: null } });
    expect(resumed.map((event) => event.event)).not.toContain("tool.started");
    expect(resumed.at(-1)!.data.message).toMatchObject({ status: "completed", approvals: [{ decision: "denied" }] });
    const toolTurn = (model.requests[0]?.body.messages as WireMessage[]).find((turn) => turn.role === "tool");
    expect(String(toolTurn?.content)).toContain("denied this call");
    expect(ordersSeen).toEqual([]);
  });

  it("takes the decision over the WebSocket too, and follows the answer from it", async () => {
    ordersSeen.length = 0;
    const { chatId, messageId, approval } = await pausedAnswer();
    const socket = await SocketClient.open(harness.gatewayUrl, await harness.authorization());
    try {
      socket.send({ type: "decide", ref: "d1", projectId, chatId, messageId, approvalId: "nope", decision: "approve" });
      expect(await socket.until((frame) => frame.type === "error" && frame.ref === "d1")).toMatchObject({ error: { code: "not_found" } });
      socket.send({ type: "decide", ref: "d2", projectId, chatId, messageId, approvalId: approval.id, decision: "approve", arguments: { orderId: "C-3" } });
      expect(await socket.until((frame) => frame.type === "decided")).toMatchObject({ ref: "d2", message: { id: messageId, status: "streaming" } });
      await socket.until((frame) => frame.type === "end" && frame.messageId === messageId);
      const events = socket.eventsOf(messageId);
      expect(events[0]).toMatchObject({ type: "approval.decided", data: { decision: "approved", approvedArguments: { orderId: "C-3" } } });
      expect(events.at(-1)).toMatchObject({ type: "message.completed", data: { message: { status: "completed" } } });
      expect(ordersSeen).toEqual(["/orders/C-3"]);
    } finally {
      socket.close();
    }
  });

  it("lets only the chat's owner see or decide its approvals; a member cannot change the policies either", async () => {
    ordersSeen.length = 0;
    const { chatId, messageId, approval } = await pausedAnswer();
    const byMia = await member.api("POST", decisionPath(chatId, messageId, approval.id), { decision: "approve" });
    expect(byMia.status).toBe(404);
    expect(byMia.body.error.message).not.toContain(String(approval.id));
    const settings = await member.api("PUT", `/v1/projects/${projectId}/tool-settings`, { allowedHosts: [], policies: [{ pattern: "order_status", policy: "allow" }] });
    expect(settings.status).toBe(403);
    expect(await message(chatId, messageId)).toMatchObject({ status: "awaiting_approval" });
    expect(ordersSeen).toEqual([]);
    // The owner's stop ends it without running the call.
    expect((await harness.api("POST", `${chatPath(chatId)}/messages/${messageId}/stop`)).body.status).toBe("stopped");
    expect((await harness.api("POST", decisionPath(chatId, messageId, approval.id), { decision: "approve" })).status).toBe(409);
    expect(ordersSeen).toEqual([]);
  });

  it("does not run the call through the OpenAI-compatible endpoint: the answer says so and names the chat where it waits for approval", async () => {
    ordersSeen.length = 0;
    const completion = await harness.api("POST", "/v1/chat/completions", { model: projectId, messages: [{ role: "user", content: "What is the status of order A-17?" }] });
    expect(completion.status).toBe(200);
    const text = String(completion.body.choices[0].message.content);
    expect(text).toContain("order_status needs your approval before it runs");
    expect(ordersSeen).toEqual([]);
    const [, chatId, messageId, approvalId] = text.match(/\/chats\/([^/]+)\/messages\/([^/]+)\/approvals\/([^)\s]+)/)!;
    // The chat is the caller's own, its answer paused on the call, and approving it there runs it.
    expect(await message(chatId!, messageId!)).toMatchObject({ status: "awaiting_approval", approvals: [{ id: approvalId, tool: "order_status", decision: "pending" }] });
    expect((await member.api("GET", chatPath(chatId!))).status).toBe(404);
    const resumed = await readEventStream(await post(decisionPath(chatId!, messageId!, approvalId), { decision: "approve" }));
    expect(resumed.at(-1)!.data.message).toMatchObject({ status: "completed", content: expect.stringContaining("shipped") });
    expect(ordersSeen).toEqual(["/orders/A-17"]);
    // Its events read as any chat answer's, from the start.
    const all = await readEventStream(await fetch(`${harness.gatewayUrl}${chatPath(chatId!)}/messages/${messageId}/events`, { headers: { authorization: await harness.authorization() } }));
    expect(all.map((event) => event.event).slice(0, 3)).toEqual(["message.started", "token", "approval.requested"]);
    expect(all.map((event) => event.id)).toEqual(all.map((_event, index) => index + 1));
  });

  it("lets a chat tighten the project's policy for itself (ask or deny), never loosen it", async () => {
    const settingsPath = `/v1/projects/${projectId}/tool-settings`;
    expect((await harness.api("PUT", settingsPath, { allowedHosts: [], policies: [{ pattern: "http:order_status", policy: "allow" }] })).status).toBe(200);
    const chatWith = async (policies: unknown[]) => {
      const chatId = (await harness.api("POST", `/v1/projects/${projectId}/chats`, {})).body.id as string;
      const set = await harness.api("PUT", `${chatPath(chatId)}/tool-policies`, { policies });
      expect(set.status).toBe(200);
      expect(set.body.toolPolicies).toEqual(policies);
      return chatId;
    };
    const ask = async (chatId: string) => readEventStream(await post(`${chatPath(chatId)}/messages`, { content: "What is the status of order A-17?" }));
    try {
      ordersSeen.length = 0;
      // The project allows it: a chat without rules runs it at once.
      expect((await ask(await chatWith([]))).at(-1)!.data.message.status).toBe("completed");
      expect(ordersSeen).toEqual(["/orders/A-17"]);

      ordersSeen.length = 0;
      const asking = await ask(await chatWith([{ pattern: "http:order_*", policy: "ask" }]));
      expect(asking.at(-1)).toMatchObject({ event: "approval.requested", data: { tool: "order_status", reason: expect.stringContaining("this chat's own rules ask") } });
      model.requests.length = 0;
      const denying = await ask(await chatWith([{ pattern: "*", policy: "deny" }]));
      expect(denying.at(-1)!.data.message.status).toBe("completed");
      expect(denying.find((event) => event.event === "tool.finished")!.data).toMatchObject({ failed: true, summary: expect.stringContaining("this chat's own rules do not allow") });
      expect(ordersSeen).toEqual([]);

      const chatId = await chatWith([]);
      const loosen = await harness.api("PUT", `${chatPath(chatId)}/tool-policies`, { policies: [{ pattern: "http:*", policy: "allow" }] });
      expect(loosen.status).toBe(400);
      expect(loosen.body.error).toMatchObject({ field: "policies.0.policy", message: expect.stringContaining("only tighten") });
      expect((await member.api("PUT", `${chatPath(chatId)}/tool-policies`, { policies: [] })).status).toBe(404);
      // A chat's own rules are policy changes too: the project's audit log has them.
      const entries = (await harness.api("GET", `/v1/audit?projectId=${projectId}&limit=200`)).body.entries as { action: string; detail: string }[];
      expect(entries).toContainEqual(expect.objectContaining({ action: "chat-tool-policies.updated", detail: "policies: * deny" }));
    } finally {
      await harness.api("PUT", settingsPath, { allowedHosts: [], policies: [] });
    }
  });

  it("gives the answer up when nobody decides in time: failed with the reason, the approval expired, the tool never run", async () => {
    ordersSeen.length = 0;
    const { chatId, messageId, approval } = await pausedAnswer();
    await sleep(approvalTtlMs + 500);
    const late = await harness.api("POST", decisionPath(chatId, messageId, approval.id), { decision: "approve" });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain("expired");
    const ended = await eventually(async () => {
      const current = await message(chatId, messageId);
      expect(current.status).toBe("failed");
      return current;
    });
    expect(ended.error).toMatchObject({ code: "deadline_exceeded", reason: expect.stringContaining("order_status") });
    expect(ended.approvals).toMatchObject([{ id: approval.id, decision: "expired" }]);
    expect(ordersSeen).toEqual([]);
    // The chat goes on with a new answer.
    const next = await readEventStream(await post(`${chatPath(chatId)}/messages`, { content: "What about A-18?" }));
    expect(next.at(-1)!.event).toBe("approval.requested");
    // The audit log says the call expired undecided, for whom, and that it did not run.
    const [expired] = await auditedToolCalls(harness, projectId, (call) => call.decision === "expired" && call.approvalId === approval.id);
    expect(expired).toMatchObject({ action: "tool.called", actor: { username: "root" }, toolCall: { chatId, tool: "http:order_status", decidedBy: "", outcome: "not run" } });
  });

  it("puts every call and every decision in the project's audit log: who, chat, tool, the arguments' hash, the decision and by whom, duration and outcome", async () => {
    const rootId = (await harness.api("GET", "/v1/me")).body.id as string;
    const calls = await auditedToolCalls(harness, projectId, (_call, entry) => entry.action === "tool.called");
    const decisions = await auditedToolCalls(harness, projectId, (_call, entry) => entry.action === "approval.decided");
    const a17 = sha256('{"orderId":"A-17"}');
    // Approved as asked, then run: by whom, in which chat, how long, how it went.
    expect(calls).toContainEqual(
      expect.objectContaining({
        actor: { userId: rootId, username: "root" },
        target: "http:order_status",
        toolCall: expect.objectContaining({ chatId: expect.any(String), tool: "http:order_status", argumentsSha256: a17, decision: "approved", decidedBy: rootId, approvalId: expect.any(String), durationMs: expect.any(Number), outcome: "succeeded" }),
      }),
    );
    // Edited and approved: the call that ran is the edited one.
    expect(calls).toContainEqual(expect.objectContaining({ toolCall: expect.objectContaining({ argumentsSha256: sha256('{"orderId":"B-2"}'), decision: "approved", outcome: "succeeded" }) }));
    expect(decisions).toContainEqual(expect.objectContaining({ detail: "approved with edited arguments", toolCall: expect.objectContaining({ argumentsSha256: sha256('{"orderId":"B-2"}'), decidedBy: rootId }) }));
    expect(decisions).toContainEqual(expect.objectContaining({ detail: "approved", toolCall: expect.objectContaining({ argumentsSha256: a17 }) }));
    // Denied by its owner, by the chat's own rules; allowed by the project's policy.
    expect(decisions).toContainEqual(expect.objectContaining({ detail: "denied", toolCall: expect.objectContaining({ decision: "denied", decidedBy: rootId }) }));
    expect(calls).toContainEqual(expect.objectContaining({ toolCall: expect.objectContaining({ decision: "denied", decidedBy: rootId, outcome: "not run" }) }));
    expect(calls).toContainEqual(expect.objectContaining({ toolCall: expect.objectContaining({ decision: "denied", decidedBy: "chat rules", outcome: "not run" }) }));
    expect(calls).toContainEqual(expect.objectContaining({ toolCall: expect.objectContaining({ decision: "allowed", argumentsSha256: a17, outcome: "succeeded" }) }));
    // The arguments' values are not in the log, and only the project's admins read it.
    expect(JSON.stringify([...calls, ...decisions])).not.toMatch(/A-17|B-2|C-3/);
    expect((await member.api("GET", `/v1/audit?projectId=${projectId}`)).status).toBe(403);
  });
});
