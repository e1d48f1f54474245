import { toAppError } from "@qamesh/errors";
import type { ChatDeps } from "../sessions/chat-deps.js";
import { collections, type MessageRecord } from "../sessions/chat-records.js";

export const unansweredReason = "the question went unanswered for too long; ask again";

/**
 * A paused answer whose question outlived its time to live is given up: it ends failed with the
 * reason (an `error` event, then the record), and the chat's next message starts a new answer
 * instead of replying to a question nobody remembers. Returns the message as it now stands.
 */
export async function expireIfUnanswered(deps: Pick<ChatDeps, "store" | "log" | "logger">, message: MessageRecord): Promise<MessageRecord> {
  const expiresAt = message.question?.expiresAt;
  if (message.status !== "awaiting_user" || !expiresAt || Date.parse(expiresAt) > Date.now()) return message;
  const messages = deps.store.collection<MessageRecord>(collections.messages);
  const expired: MessageRecord = {
    ...message,
    status: "failed",
    question: null,
    agentState: null,
    error: { code: "deadline_exceeded", reason: unansweredReason },
    completeTime: new Date().toISOString(),
  };
  try {
    const lastSeq = await deps.log.lastSeq(message.projectId, message.id);
    await deps.log.appendOne(message, lastSeq, { type: "error", code: "deadline_exceeded", reason: unansweredReason });
  } catch (error) {
    // Another replica ended it first.
    if (toAppError(error).code === "already_exists") return (await messages.get(message.projectId, message.id)) ?? message;
    throw error;
  }
  await messages.put(expired);
  return expired;
}

/** Gives up every paused answer past its question's time to live: housekeeping each replica runs now and then. */
export async function expireUnansweredQuestions(deps: Pick<ChatDeps, "store" | "log" | "logger">): Promise<void> {
  const paused = await deps.store.collection<MessageRecord>(collections.messages).findAcrossProjects({ status: "awaiting_user" });
  for (const message of paused) await expireIfUnanswered(deps, message);
}
