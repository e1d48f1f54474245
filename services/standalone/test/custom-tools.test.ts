import { createServer as createHttpServer, type IncomingHttpHeaders, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startConnectionCounter, startFakeModelServer, type ConnectionCounter, type FakeModelServer, type GatewayClient, type ScriptedReply, type WireMessage } from "@qamesh/testkit";
import { auditedToolCalls, projectMember, projectWithFiles, sha256, startHarness, type Harness } from "./standalone-harness.js";

const ordersToken = "Bearer orders-secret-7f3a9c";
const password = "a-long-user-password-42";

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A project admin's HTTP tools, end to end: defined through the API, called by the agent
 * (a scripted model speaking OpenAI's protocol), against a local "orders API" on 127.0.0.2 (the
 * one network the deployment opens). The server's own network is 127.0.0.1, where a listener
 * counts every connection that reaches it.
 */
describe("tools a project admin defines: HTTP calls and scripts", () => {
  let harness: Harness;
  let model: FakeModelServer;
  let projectId: string;
  let member: GatewayClient;
  const logLines: string[] = [];
  let victim: ConnectionCounter;
  let victimPort = 0;
  let orders: HttpServer;
  let ordersBase = "";
  const seen: SeenRequest[] = [];
  /** The tool call the scripted model makes first; it then answers with what the tool returned. */
  let call: { name: string; arguments: string } = { name: "order_status", arguments: "{}" };

  const toolDefinition = (overrides: Record<string, unknown> = {}) => ({
    name: "order_status",
    description: "Looks up an order's status in the orders API.",
    inputSchema: { type: "object", properties: { orderId: { type: "string", pattern: "^[A-Z]-[0-9]+$" } }, required: ["orderId"] },
    kind: "http",
    http: { method: "GET", url: `${ordersBase}/orders/{orderId}?fields=status`, headers: [{ name: "Authorization", value: ordersToken, secret: true }, { name: "Accept", value: "application/json" }], response: { path: "$.order" } },
    policy: "allow",
    ...overrides,
  });

  /** Asks once; returns the tool's result as the model saw it, and the answer's events. */
  async function askWithToolCall(toolCall: { name: string; arguments: string }): Promise<{ toolMessage: string; done: Record<string, unknown> }> {
    call = toolCall;
    model.requests.length = 0;
    const asked = await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "What is the status of order A-17?" });
    expect(asked.status).toBe(200);
    const followUp = model.requests.filter((request) => request.path === "/v1/chat/completions")[1];
    const toolMessage = (followUp?.body.messages as WireMessage[] | undefined)?.find((message) => message.role === "tool");
    // The agent writes a result as "result: <JSON>" (after any numbered passages).
    return { toolMessage: String(toolMessage?.content ?? "").replace(/^result: /, ""), done: asked.body };
  }

  beforeAll(async () => {
    victim = await startConnectionCounter();
    victimPort = victim.port;
    orders = createHttpServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
        if (request.url?.startsWith("/to-loopback")) response.writeHead(302, { location: `http://127.0.0.1:${victimPort}/` }).end();
        else if (request.url?.startsWith("/orders/")) response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ order: { id: request.url.split("/")[2]!.split("?")[0], status: "shipped" }, internal: "not for the model" }));
        else response.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => orders.listen(0, "127.0.0.2", resolve));
    ordersBase = `http://127.0.0.2:${(orders.address() as AddressInfo).port}`;

    const script = (messages: WireMessage[]): ScriptedReply => {
      const result = messages.find((message) => message.role === "tool");
      if (!result) return { text: "", toolCalls: [call] };
      return { text: `The tool said: ${String(result.content).slice(0, 200)}` };
    };
    model = await startFakeModelServer({ answer: script, embedding: () => [] });
    harness = await startHarness({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${model.url}/v1`, LLM_MODEL: "gpt-tools", OUTBOUND_ALLOWED_NETWORKS: "127.0.0.2/32" }, { logLines });
    ({ projectId } = await projectWithFiles(harness, harness.root, "Tools", { "README.md": "# Shop\n" }));
    member = await projectMember(harness, projectId, "mia", password);
  });

  afterAll(async () => {
    await harness?.stop();
    await model?.close();
    orders?.closeAllConnections();
    await Promise.all([victim?.close(), new Promise((resolve) => orders?.close(resolve))]);
  });

  let toolId = "";

  it("is defined by a project admin, shown in the catalog, its secret header never returned", async () => {
    const created = await harness.api("POST", `/v1/projects/${projectId}/tools`, toolDefinition());
    expect(created.status).toBe(201);
    toolId = created.body.id;
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^t-/), name: "order_status", kind: "http", policy: "allow" });
    expect(created.body.http.headers).toEqual([{ name: "Authorization", secret: true }, { name: "Accept", value: "application/json", secret: false }]);
    expect(JSON.stringify(created.body)).not.toContain("orders-secret");
    expect(JSON.stringify((await harness.api("GET", `/v1/projects/${projectId}/tools/${toolId}`)).body)).not.toContain("orders-secret");
    const catalog = (await member.api("GET", `/v1/projects/${projectId}/tools`)).body.tools;
    expect(catalog.find((tool: { name: string }) => tool.name === "order_status")).toMatchObject({ builtIn: false, id: toolId, kind: "http", policy: "allow", parameters: { required: ["orderId"] } });
    expect(catalog.find((tool: { name: string }) => tool.name === "semantic_search")).toMatchObject({ builtIn: true });
  });

  it("is called by the agent: arguments URL-encoded into the template, the secret header sent, the mapped part of the answer given to the model", async () => {
    seen.length = 0;
    const { toolMessage, done } = await askWithToolCall({ name: "order_status", arguments: JSON.stringify({ orderId: "A-17" }) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "GET", url: "/orders/A-17?fields=status", headers: { authorization: ordersToken, accept: "application/json" } });
    expect(JSON.parse(toolMessage)).toEqual({ status: 200, body: { id: "A-17", status: "shipped" } });
    expect(String(done.answer)).toContain("shipped");
    expect(logLines.join("\n")).not.toContain("orders-secret");
    // The project's audit log has the call: who, which tool, the arguments' hash (not their values), the decision, how long, how it went.
    const [entry] = await auditedToolCalls(harness, projectId, (call) => call.decision === "allowed" && call.tool === "http:order_status");
    expect(entry).toMatchObject({
      actor: { username: "root" },
      action: "tool.called",
      target: "http:order_status",
      requestId: expect.any(String),
      toolCall: { chatId: "", argumentsSha256: sha256('{"orderId":"A-17"}'), decidedBy: "", durationMs: expect.any(Number), outcome: "succeeded", error: "" },
    });
    expect(JSON.stringify(entry)).not.toContain("A-17");
  });

  it("refuses arguments its JSON Schema refuses, without calling the API", async () => {
    seen.length = 0;
    const { toolMessage } = await askWithToolCall({ name: "order_status", arguments: JSON.stringify({ orderId: "../../admin" }) });
    expect(toolMessage).toMatch(/orderId/);
    expect(seen).toHaveLength(0);
  });

  it("never reaches the server's own network: internal addresses in any notation, names resolving to them, and redirects to them", async () => {
    const forms = [
      `http://127.0.0.1:${victimPort}/x`,
      `http://2130706433:${victimPort}/x`,
      `http://0177.0.0.1:${victimPort}/x`,
      `http://0x7f.1:${victimPort}/x`,
      `http://127.1:${victimPort}/x`,
      `http://[::1]:${victimPort}/x`,
      `http://[::ffff:127.0.0.1]:${victimPort}/x`,
      `http://[::ffff:7f00:1]:${victimPort}/x`,
      `http://0.0.0.0:${victimPort}/x`,
      `http://169.254.169.254:${victimPort}/latest/meta-data/`,
      `http://localhost:${victimPort}/x`,
      `${ordersBase}/to-loopback`,
    ];
    for (const url of forms) {
      const definition = toolDefinition({ name: "probe", inputSchema: { type: "object" }, http: { url } });
      const probe = await harness.api("POST", `/v1/projects/${projectId}/tools`, definition);
      expect(probe.status, url).toBe(201);
      const { toolMessage } = await askWithToolCall({ name: "probe", arguments: "{}" });
      expect(toolMessage, url).toContain("the request was not made");
      expect((await harness.api("DELETE", `/v1/projects/${projectId}/tools/${probe.body.id}`)).status).toBe(204);
    }
    expect(victim.connections()).toBe(0);
  });

  it("reaches only the hosts the project allows, once it lists any", async () => {
    expect((await harness.api("PUT", `/v1/projects/${projectId}/tool-settings`, { allowedHosts: ["api.example.com"] })).body).toEqual({ allowedHosts: ["api.example.com"], policies: [] });
    seen.length = 0;
    expect((await askWithToolCall({ name: "order_status", arguments: JSON.stringify({ orderId: "A-17" }) })).toolMessage).toContain("not among the hosts");
    expect(seen).toHaveLength(0);
    expect((await harness.api("PUT", `/v1/projects/${projectId}/tool-settings`, { allowedHosts: ["127.0.0.2"] })).status).toBe(200);
    expect(JSON.parse((await askWithToolCall({ name: "order_status", arguments: JSON.stringify({ orderId: "A-17" }) })).toolMessage)).toMatchObject({ status: 200 });
    expect((await harness.api("PUT", `/v1/projects/${projectId}/tool-settings`, { allowedHosts: ["http://x/"] })).body.error).toMatchObject({ field: "allowedHosts.0" });
    expect((await member.api("PUT", `/v1/projects/${projectId}/tool-settings`, { allowedHosts: [] })).status).toBe(403);
    await harness.api("PUT", `/v1/projects/${projectId}/tool-settings`, { allowedHosts: [] });
  });

  it("with the deny policy never runs: the model is told the project does not allow it", async () => {
    const denied = await harness.api("PUT", `/v1/projects/${projectId}/tools/${toolId}`, toolDefinition({ policy: "deny", http: { ...toolDefinition().http, headers: [{ name: "Authorization", secret: true }] } }));
    expect(denied.status).toBe(200);
    // A stored secret header is not taken to another origin: pointed elsewhere, the tool needs it given again.
    const moved = toolDefinition({ http: { ...toolDefinition().http, url: "https://collector.example.net/orders/{orderId}", headers: [{ name: "Authorization", secret: true }] } });
    const refused = await harness.api("PUT", `/v1/projects/${projectId}/tools/${toolId}`, moved);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ field: "http.headers.0.value" });
    seen.length = 0;
    expect((await askWithToolCall({ name: "order_status", arguments: JSON.stringify({ orderId: "A-17" }) })).toolMessage).toContain("does not allow");
    expect(seen).toHaveLength(0);
    const [entry] = await auditedToolCalls(harness, projectId, (call) => call.decision === "denied");
    expect(entry).toMatchObject({ actor: { username: "root" }, toolCall: { tool: "http:order_status", decidedBy: "project policy", outcome: "not run" } });
  });

  it("follows the project's policy rules by name or pattern, the strictest matching rule deciding, built-in tools included", async () => {
    const orderCall = { name: "order_status", arguments: JSON.stringify({ orderId: "A-17" }) };
    const rules = (policies: { pattern: string; policy: string }[]) => harness.api("PUT", `/v1/projects/${projectId}/tool-settings`, { allowedHosts: [], policies });
    // The tool itself says deny (above); a rule that names it decides instead.
    expect((await rules([{ pattern: "http:*", policy: "allow" }])).body).toEqual({ allowedHosts: [], policies: [{ pattern: "http:*", policy: "allow" }] });
    expect(JSON.parse((await askWithToolCall(orderCall)).toolMessage)).toMatchObject({ status: 200 });

    await rules([
      { pattern: "http:*", policy: "allow" },
      { pattern: "http:order_*", policy: "deny" },
    ]);
    const catalog = (await member.api("GET", `/v1/projects/${projectId}/tools`)).body.tools as { name: string; policy: string }[];
    expect(catalog.find((tool) => tool.name === "order_status")?.policy).toBe("deny");
    expect(catalog.find((tool) => tool.name === "semantic_search")?.policy).toBe("allow");
    seen.length = 0;
    expect((await askWithToolCall(orderCall)).toolMessage).toContain("does not allow");
    expect(seen).toHaveLength(0);

    await rules([{ pattern: "semantic_search", policy: "deny" }]);
    expect((await askWithToolCall({ name: "semantic_search", arguments: JSON.stringify({ query: "shop" }) })).toolMessage).toContain("does not allow");
    await rules([{ pattern: "*", policy: "ask" }]);
    // A one-shot answer runs no call that needs approval: it hands it to a chat (tool-approvals.test.ts).
    expect(String((await askWithToolCall({ name: "semantic_search", arguments: JSON.stringify({ query: "shop" }) })).done.answer)).toContain("semantic_search needs your approval before it runs");

    expect((await rules([{ pattern: "http:*", policy: "sometimes" }])).body.error).toMatchObject({ field: "policies.0.policy" });
    expect((await rules([{ pattern: "HTTP:*", policy: "deny" }])).body.error).toMatchObject({ field: "policies.0.pattern" });
    expect((await member.api("PUT", `/v1/projects/${projectId}/tool-settings`, { policies: [] })).status).toBe(403);
    await rules([]);
  });

  it("runs a script tool in the sandbox when the agent calls it, its fetch held to the same rules", async () => {
    const created = await harness.api("POST", `/v1/projects/${projectId}/tools`, {
      name: "order_summary",
      description: "Summarises an order.",
      inputSchema: { type: "object", properties: { orderId: { type: "string" } }, required: ["orderId"] },
      kind: "code",
      code: { source: `const order = JSON.parse((await fetch("${ordersBase}/orders/" + encodeURIComponent(args.orderId))).text).order; return order.id + " is " + order.status;` },
      policy: "allow",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "code", code: { timeoutMs: 2000, memoryMb: 16 } });
    seen.length = 0;
    expect(JSON.parse((await askWithToolCall({ name: "order_summary", arguments: JSON.stringify({ orderId: "C-9" }) })).toolMessage)).toBe("C-9 is shipped");
    expect(seen.map((request) => request.url)).toEqual(["/orders/C-9"]);
    const probe = await harness.api("POST", `/v1/projects/${projectId}/tools`, { name: "script_probe", description: "Probe.", inputSchema: { type: "object" }, kind: "code", code: { source: `await fetch("http://127.1:${victimPort}/"); return "reached";` }, policy: "allow" });
    expect((await askWithToolCall({ name: "script_probe", arguments: "{}" })).toolMessage).toContain("internal address");
    expect(victim.connections()).toBe(0);
    for (const id of [created.body.id, probe.body.id]) expect((await harness.api("DELETE", `/v1/projects/${projectId}/tools/${id}`)).status).toBe(204);
    expect((await harness.api("POST", `/v1/projects/${projectId}/tools`, { name: "bad", description: "x", inputSchema: { type: "object" }, kind: "shell", code: { source: "ls" } })).body.error).toMatchObject({ field: "kind" });
  });

  it("keeps a secret header given again without its value, and takes changes only from project admins, checked field by field", async () => {
    // The update above gave the secret header without a value: the stored one is still sent.
    expect((await harness.api("PUT", `/v1/projects/${projectId}/tools/${toolId}`, toolDefinition({ http: { ...toolDefinition().http, headers: [{ name: "Authorization", secret: true }] } }))).status).toBe(200);
    seen.length = 0;
    await askWithToolCall({ name: "order_status", arguments: JSON.stringify({ orderId: "B-2" }) });
    expect(seen[0]?.headers.authorization).toBe(ordersToken);

    const refusals: [Record<string, unknown>, number, string][] = [
      [toolDefinition({ http: { url: "https://{host}/orders" } }), 400, "http.url"],
      [toolDefinition({ http: { url: "https://user:pw@api.example.com/" } }), 400, "http.url"],
      [toolDefinition({ inputSchema: { type: "string" } }), 400, "inputSchema"],
      [toolDefinition({ name: "Order Status" }), 400, "name"],
      [toolDefinition({ policy: "maybe" }), 400, "policy"],
      [toolDefinition({ name: "keyed", http: { url: `${ordersBase}/x`, headers: [{ name: "X-Key", secret: true }] } }), 400, "http.headers.0.value"],
    ];
    for (const [definition, status, field] of refusals) {
      const refused = await harness.api("POST", `/v1/projects/${projectId}/tools`, definition);
      expect(refused.status, field).toBe(status);
      expect(refused.body.error.field, field).toBe(field);
    }
    expect((await harness.api("POST", `/v1/projects/${projectId}/tools`, toolDefinition())).status).toBe(409);
    expect((await harness.api("POST", `/v1/projects/${projectId}/tools`, toolDefinition({ name: "semantic_search" }))).status).toBe(409);
    expect((await member.api("POST", `/v1/projects/${projectId}/tools`, toolDefinition({ name: "members_tool" }))).status).toBe(403);
    expect((await member.api("GET", `/v1/projects/${projectId}/tools/${toolId}`)).status).toBe(403);
    expect((await member.api("DELETE", `/v1/projects/${projectId}/tools/${toolId}`)).status).toBe(403);

    expect((await harness.api("DELETE", `/v1/projects/${projectId}/tools/${toolId}`)).status).toBe(204);
    expect((await harness.api("GET", `/v1/projects/${projectId}/tools`)).body.tools.map((tool: { name: string }) => tool.name)).not.toContain("order_status");
    const audit = (await harness.api("GET", `/v1/audit?projectId=${projectId}&limit=200`)).body.entries.map((entry: { action: string }) => entry.action);
    expect(audit).toEqual(expect.arrayContaining(["tool.created", "tool.updated", "tool.deleted", "tool-settings.updated"]));
  });

  it("go with their project: deleting it deletes its tools (their sealed secrets too) and settings in tool-runtime's store", async () => {
    const doomed = (await harness.api("POST", "/v1/projects", { name: "Doomed" })).body.id as string;
    expect((await harness.api("POST", `/v1/projects/${doomed}/tools`, toolDefinition())).status).toBe(201);
    expect((await harness.api("PUT", `/v1/projects/${doomed}/tool-settings`, { allowedHosts: ["api.example.com"] })).status).toBe(200);
    const store = SqliteDocumentStore.open(join(harness.root, "data", "tool-runtime.sqlite"));
    try {
      expect(await store.collection("custom_tools").find({ projectId: doomed })).toHaveLength(1);
      expect((await harness.api("DELETE", `/v1/projects/${doomed}`)).status).toBe(204);
      await eventually(async () => {
        expect(await store.collection("custom_tools").find({ projectId: doomed })).toEqual([]);
        expect(await store.collection("tool_settings").find({ projectId: doomed })).toEqual([]);
      });
      // Another project's settings stay.
      expect(await store.collection("tool_settings").find({ projectId })).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
