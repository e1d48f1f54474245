import { decodeEvent, topics } from "@qamesh/events";
import { requestIdHeader, type EventBus, type Subscription } from "@qamesh/ports";
import type { AuditLog, ToolCallEntry } from "./audit-log.js";

const decisions = new Set<string>(["allowed", "approved", "denied", "expired"]);
const outcomes = new Set<string>(["succeeded", "failed", "not run"]);
const actions = new Set<string>(["tool.called", "approval.decided"]);

/**
 * The gateway's one subscription: audit entries the other services report (the chat service's
 * tool calls and approval decisions) are appended to the audit log. An entry naming an action,
 * decision or outcome the log does not know is refused, so it lands in the dead-letter topic
 * rather than as something an admin cannot read.
 */
export function subscribeToReportedEntries(bus: EventBus, audit: AuditLog): Promise<Subscription> {
  return bus.subscribe({
    group: "gateway",
    topic: topics.auditEntries.name,
    handler: async (event) => {
      const entry = decodeEvent(topics.auditEntries, event.payload);
      const call = entry.toolCall;
      if (!entry.projectId || !actions.has(entry.action) || !call || !decisions.has(call.decision) || !outcomes.has(call.outcome)) {
        throw new Error(`audit entry ${event.id} is not one the audit log knows (${entry.action})`);
      }
      const toolCall: ToolCallEntry = {
        chatId: call.chatId,
        tool: call.tool,
        argumentsSha256: call.argumentsSha256,
        decision: call.decision as ToolCallEntry["decision"],
        decidedBy: call.decidedBy,
        approvalId: call.approvalId,
        durationMs: Number(call.durationMs),
        outcome: call.outcome as ToolCallEntry["outcome"],
        error: call.error,
      };
      await audit.report(event.id, {
        projectId: entry.projectId,
        time: entry.time,
        actor: entry.actorUserId || entry.actorUsername ? { userId: entry.actorUserId, username: entry.actorUsername } : null,
        action: entry.action as "tool.called" | "approval.decided",
        target: entry.target,
        detail: entry.detail,
        requestId: event.headers[requestIdHeader] ?? "",
        toolCall,
      });
    },
  });
}
