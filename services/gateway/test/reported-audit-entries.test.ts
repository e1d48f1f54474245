import { encodeEvent, topics } from "@qamesh/events";
import { gatewayClient, eventually } from "@qamesh/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { startTestGateway } from "./test-gateway.js";

const running = await startTestGateway();
const client = gatewayClient(() => running.gateway.url);
afterAll(() => running.stop());

const auditOf = async (projectId: string) => (await client.api("GET", `/v1/audit?projectId=${projectId}`)).body.entries as Record<string, any>[];

/** What the chat service reports when the agent ran a tool. */
const toolCalled = (projectId: string, eventId: string, call: Record<string, unknown> = {}) =>
  encodeEvent(
    topics.auditEntries,
    {
      projectId,
      time: "2026-11-25T10:00:00.000Z",
      actorUserId: "u-1",
      actorUsername: "ada",
      action: "tool.called",
      target: "http:order_status",
      detail: "allowed, succeeded",
      toolCall: { chatId: "c-1", tool: "http:order_status", argumentsSha256: "ab".repeat(32), decision: "allowed", durationMs: 42n, outcome: "succeeded", ...call },
    },
    { id: eventId, key: projectId, requestId: "req-7" },
  );

describe("audit entries reported by other services", () => {
  it("are appended to the project's audit log once, however often the bus delivers them", async () => {
    await running.bus.publish([toolCalled("p-once", "event-1"), toolCalled("p-once", "event-1")]);
    await running.bus.publish([toolCalled("p-once", "event-1")]);
    const entries = await eventually(async () => {
      const listed = await auditOf("p-once");
      expect(listed).toHaveLength(1);
      return listed;
    });
    expect(entries[0]).toEqual({
      time: "2026-11-25T10:00:00.000Z",
      actor: { userId: "u-1", username: "ada" },
      action: "tool.called",
      projectId: "p-once",
      target: "http:order_status",
      address: "",
      requestId: "req-7",
      detail: "allowed, succeeded",
      toolCall: { chatId: "c-1", tool: "http:order_status", argumentsSha256: "ab".repeat(32), decision: "allowed", decidedBy: "", approvalId: "", durationMs: 42, outcome: "succeeded", error: "" },
    });
    // Another project's log does not show it.
    expect(await auditOf("p-other")).toEqual([]);
  });

  it("refuses an entry the log cannot read (unknown decision) and goes on with the next", async () => {
    await running.bus.publish([toolCalled("p-bad", "event-2", { decision: "whatever" }), toolCalled("p-bad", "event-3", { decision: "expired", outcome: "not run" })]);
    const entries = await eventually(async () => {
      const listed = await auditOf("p-bad");
      expect(listed).toHaveLength(1);
      return listed;
    });
    expect(entries[0]!.toolCall).toMatchObject({ decision: "expired", outcome: "not run" });
  });
});
