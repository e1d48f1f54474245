import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@qamesh/authorization";
import { chatRecipe } from "@qamesh/chat";
import { parseConfig } from "@qamesh/config";
import { createGrpcClient } from "@qamesh/grpc";
import { createLogger } from "@qamesh/logger";
import { ChatService } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import { AdapterPool } from "@qamesh/runtime-adapters";
import { startService, type MeshService, type RunningService } from "@qamesh/service-runtime";
import { readEventStream, startFakeModelServer, type FakeModelBehaviour, type FakeModelServer } from "@qamesh/testkit";
import { asMeshPrincipal, projectWithFiles, startHarness, type Harness } from "./standalone-harness.js";

/**
 * Two chat replicas on one store: the answer is written by the harness's own chat service, and
 * the second replica, called directly, follows it (from the store, not from memory) and stops it
 * (through a stop request the writing replica picks up).
 */
describe("a second chat replica", () => {
  let model: FakeModelServer;
  let harness: Harness;
  let replica: RunningService<MeshService>;
  let projectId: string;
  let root: Principal;
  const behaviour: FakeModelBehaviour = { answer: () => `${"The reconciler retries failed invoices. ".repeat(15)}`, embedding: () => [], pieceDelayMs: 20 };
  const replicaClient = () => createGrpcClient(ChatService, `127.0.0.1:${replica.grpcPort}`, { peer: "chat replica" });

  beforeAll(async () => {
    model = await startFakeModelServer(behaviour);
    harness = await startHarness({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${model.url}/v1`, LLM_MODEL: "gpt-replica" });
    ({ projectId } = await projectWithFiles(harness, harness.root, "Replicas", { "billing.md": "# Billing\n\nFailed invoices are retried every 17 minutes.\n" }));
    const data = join(harness.root, "data");
    const ports = harness.running.grpcPorts;
    const config = parseConfig(chatRecipe.configSchema, {
      CHAT_GRPC_PORT: "0",
      CHAT_DB_FILE: join(data, "chat.sqlite"),
      BUS_FILE: join(data, "bus.sqlite"),
      MESH_KEYS_FILE: join(data, "mesh-keys.json"),
      TOOL_RUNTIME_ADDRESS: `127.0.0.1:${ports["tool-runtime"]}`,
      LLM_PROFILES_ADDRESS: `127.0.0.1:${ports["llm-profiles"]}`,
      ANSWER_POLL_MS: "20",
      LOG_LEVEL: "silent",
    });
    replica = await startService(chatRecipe, config, createLogger({ service: "chat replica", level: "silent" }), new AdapterPool());
    const me = (await harness.api("GET", "/v1/me")).body;
    root = { kind: "user", userId: me.id, username: me.username, globalRole: "admin", project: { id: projectId, role: "admin" } };
  });

  afterAll(async () => {
    await replica?.stop();
    await harness?.stop();
    await model?.close();
  });

  const sendStreaming = async (chatId: string) =>
    fetch(`${harness.gatewayUrl}/v1/projects/${projectId}/chats/${chatId}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: await harness.authorization() },
      body: JSON.stringify({ content: "How often are invoices retried?" }),
    });

  it("follows an answer another replica writes, every event once and in order, the same as the writer's replay", async () => {
    const chatId = (await harness.api("POST", `/v1/projects/${projectId}/chats`, { title: "follow" })).body.id;
    const response = await sendStreaming(chatId);
    const started = await readEventStream(response, (event) => event.event !== "message.started");
    const messageId = started[0]!.data.messageId;

    const followed: { seq: number; kind: string | undefined }[] = [];
    await asMeshPrincipal(harness, root, async () => {
      for await (const event of replicaClient().followAnswer({ projectId, chatId, messageId, after: 0 })) followed.push({ seq: event.seq, kind: event.event.case });
    });
    expect(followed.map((event) => event.seq)).toEqual(followed.map((_event, index) => index + 1));
    expect(followed[0]!.kind).toBe("messageStarted");
    expect(followed.at(-1)!.kind).toBe("messageCompleted");
    const replayed = await readEventStream(await fetch(`${harness.gatewayUrl}/v1/projects/${projectId}/chats/${chatId}/messages/${messageId}/events`, { headers: { authorization: await harness.authorization() } }));
    expect(replayed.map((event) => event.id)).toEqual(followed.map((event) => event.seq));
  });

  it("stops, through a stop request, an answer another replica writes", async () => {
    const chatId = (await harness.api("POST", `/v1/projects/${projectId}/chats`, { title: "stop" })).body.id;
    const response = await sendStreaming(chatId);
    const started = await readEventStream(response, (event) => event.event !== "token");
    const messageId = started[0]!.data.messageId;

    const stopped = await asMeshPrincipal(harness, root, () => replicaClient().stopAnswer({ projectId, chatId, messageId }));
    expect(stopped.status).toBe("stopped");
    expect(stopped.content.length).toBeGreaterThan(0);
    const message = (await harness.api("GET", `/v1/projects/${projectId}/chats/${chatId}/messages/${messageId}`)).body;
    expect(message).toMatchObject({ status: "stopped", content: stopped.content });
  });
});
