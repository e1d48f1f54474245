import type { ChatDeps } from "../sessions/chat-deps.js";
import { collections, type MessageRecord } from "../sessions/chat-records.js";
import { endIdleAnswer } from "./idle-answers.js";

export const unansweredReason = "the question went unanswered for too long; ask again";
const undecidedReason = (tool: string) => `the call of ${tool} waited for your approval for too long and did not run; ask again`;

/**
 * A paused answer whose question, or tool call waiting for approval, outlived its time to live is
 * given up: it ends failed with the reason (an `error` event, then the record; an approval is
 * marked expired), and the chat's next message starts a new answer instead of replying to
 * something nobody remembers. Returns the message as it now stands.
 */
export async function expireIfUnanswered(deps: Pick<ChatDeps, "store" | "log" | "logger" | "audit">, message: MessageRecord): Promise<MessageRecord> {
  const expired = (expiresAt: string | undefined) => expiresAt !== undefined && expiresAt !== "" && Date.parse(expiresAt) <= Date.now();
  if (message.status === "awaiting_user" && expired(message.question?.expiresAt)) {
    return endIdleAnswer(deps, message, { failed: { code: "deadline_exceeded", reason: unansweredReason } });
  }
  const pending = message.approvals?.at(-1);
  if (message.status === "awaiting_approval" && pending && expired(pending.expiresAt)) {
    const approvals = message.approvals!.map((approval) => (approval === pending ? { ...approval, decision: "expired" as const } : approval));
    const failed = { failed: { code: "deadline_exceeded", reason: undecidedReason(pending.tool) } };
    const caller = pending.caller ?? { userId: "", username: "", chatId: message.chatId };
    const settled = { tool: pending.qualifiedName ?? pending.tool, argumentsJson: pending.argumentsJson, decision: "expired", decidedBy: "", approvalId: pending.id, durationMs: 0, outcome: "not run", error: "" } as const;
    return endIdleAnswer(deps, { ...message, approvals }, failed, () => deps.audit.called(message.projectId, caller, settled));
  }
  return message;
}

/** Gives up every paused answer past its time to live: housekeeping each replica runs now and then. */
export async function expireUnansweredQuestions(deps: Pick<ChatDeps, "store" | "log" | "logger" | "audit">): Promise<void> {
  const messages = deps.store.collection<MessageRecord>(collections.messages);
  const paused = [...(await messages.findAcrossProjects({ status: "awaiting_user" })), ...(await messages.findAcrossProjects({ status: "awaiting_approval" }))];
  for (const message of paused) await expireIfUnanswered(deps, message);
}
