import { randomUUID } from "node:crypto";
import type { AgentTool, ToolCall } from "@qamesh/ports";
import type { CallCaller } from "../audit/call-audit.js";
import type { ApprovalRecord } from "../sessions/chat-records.js";

/**
 * Calls of tools under an `ask` policy: the answer pauses on the first of a turn until the chat's
 * owner decides it. What the model is told about the calls that do not run, in one place.
 */
export const approvalMessages = {
  denied: "error: the chat owner denied this call, so it did not run. Do not call it again in this answer; answer without it or say what you could not do.",
  /** Another call of the same turn waits for a decision (one at a time, like questions). */
  anotherWaits: "not run: it needs the chat owner's approval, and another call of this turn waits for it already; call it again once that one is decided",
  /** The turn asks the user a question; approvals come after the reply. */
  questionWaits: "not run: it needs the chat owner's approval, which waits until the user has answered your question; call it again after that",
  /** A call made for a model that cannot call tools itself is not one anybody is asked about. */
  notAsked: (tool: string) => `not run: the project's policy needs the chat owner's approval for each call of ${tool}`,
};

/** The approval a call needs, pending, saying whose rule asks for it; the answer runner sets when it expires. */
export function pendingApproval(toolCall: ToolCall, tool: AgentTool, askedBy: "project" | "chat", caller: CallCaller): ApprovalRecord {
  const whose = askedBy === "chat" ? "this chat's own rules ask" : "the project's policy asks";
  return {
    id: randomUUID(),
    callId: toolCall.id,
    tool: tool.name,
    qualifiedName: tool.qualifiedName,
    caller,
    argumentsJson: toolCall.argumentsJson,
    reason: `${whose} the chat owner to approve each call of ${tool.name}`,
    expiresAt: "",
    decision: "pending",
    decidedBy: "",
    decidedAt: null,
    approvedArgumentsJson: "",
  };
}
