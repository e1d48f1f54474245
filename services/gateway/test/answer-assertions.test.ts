import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GrpcServer, presentedCredential, type CallInterceptor } from "@qamesh/grpc";
import { createLogger } from "@qamesh/logger";
import { answerAssertionSeconds, userAssertions } from "@qamesh/mesh-auth";
import { ChatService } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import { gatewayClient } from "@qamesh/testkit";
import { startTestGateway } from "./test-gateway.js";

const logger = createLogger({ service: "test", level: "silent" });

/**
 * The chat service writes an answer after the call that started it returned, presenting that
 * call's assertion to the models and tools all along: the gateway gives such calls an assertion
 * that lasts as long as an answer may, and every other call an ordinary one. A chat service
 * stand-in records how long each assertion it received lasts.
 */
describe("the assertions the gateway sends the chat service", () => {
  const lifetimes: { method: string; seconds: number }[] = [];
  const recorder: CallInterceptor = {
    name: "lifetime recorder",
    inbound(call) {
      const payload = decodeJwt(presentedCredential(call.metadata)!);
      lifetimes.push({ method: call.method.split("/").at(-1)!, seconds: payload.exp! - payload.iat! });
    },
  };
  const message = { id: "c1-00002", chatId: "c1", role: "assistant", status: "completed", content: "Done." };
  const chat = new GrpcServer({ logger, guard: recorder });
  chat.add(ChatService, {
    ask: async () => ({ answer: "Done." }),
    async *askStream() {},
    createChat: async () => ({ id: "c1", projectId: "p" }),
    listChats: async () => ({ chats: [] }),
    getChat: async () => ({ chat: { id: "c1", projectId: "p" }, messages: [] }),
    listMessages: async () => ({ messages: [] }),
    updateChat: async () => ({ id: "c1", projectId: "p" }),
    deleteChat: async () => ({}),
    sendMessage: async () => ({ userMessage: { id: "c1-00001", chatId: "c1", role: "user", status: "completed" }, assistantMessage: { ...message, status: "streaming" } }),
    getMessage: async () => message,
    async *followAnswer() {
      yield { seq: 1, event: { case: "messageCompleted", value: message } };
    },
    stopAnswer: async () => message,
    regenerate: async () => ({ ...message, id: "c1-00003", version: 2 }),
    decideApproval: async () => ({ message: { ...message, status: "streaming" }, eventsAfter: 0 }),
    getApproval: async () => ({ id: "a1", decision: "pending" }),
    setChatToolPolicies: async () => ({ id: "c1", projectId: "p" }),
  });
  let running: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    running = await startTestGateway({ chat: `127.0.0.1:${await chat.listen("127.0.0.1", 0)}` });
  });

  afterAll(async () => {
    await running?.stop();
    await chat.shutdown(1000);
  });

  it("lasts as long as an answer may for the calls that start one, and ten minutes for the others", async () => {
    const client = gatewayClient(() => running.gateway.url);
    const chatPath = "/v1/projects/p/chats/c1";
    const lifetimesOf = async (call: () => Promise<{ status: number }>) => {
      lifetimes.length = 0;
      expect((await call()).status).toBe(200);
      return Object.fromEntries(lifetimes.map(({ method, seconds }) => [method, seconds]));
    };
    // The request that starts an answer follows it with the same assertion.
    expect(await lifetimesOf(() => client.api("POST", `${chatPath}/messages`, { content: "How often?" }))).toEqual({
      SendMessage: answerAssertionSeconds,
      FollowAnswer: answerAssertionSeconds,
      GetMessage: answerAssertionSeconds,
    });
    expect((await lifetimesOf(() => client.api("POST", `${chatPath}/messages/c1-00002/regenerate`))).Regenerate).toBe(answerAssertionSeconds);
    // So does a decision on a tool call: the answer goes on from it.
    expect((await lifetimesOf(() => client.api("POST", `${chatPath}/messages/c1-00002/approvals/a1`, { decision: "approve" }))).DecideApproval).toBe(answerAssertionSeconds);
    expect(await lifetimesOf(() => client.api("GET", chatPath))).toEqual({ GetChat: userAssertions.lifetimeSeconds });
    expect(await lifetimesOf(() => client.api("GET", `${chatPath}/messages/c1-00002/events`))).toEqual({
      GetMessage: userAssertions.lifetimeSeconds,
      FollowAnswer: userAssertions.lifetimeSeconds,
    });
  });
});
