import type { ChatDeps } from "../sessions/chat-deps.js";
import { collections, type MessageRecord } from "../sessions/chat-records.js";
import { endIdleAnswer } from "./idle-answers.js";

export const unansweredReason = "the question went unanswered for too long; ask again";

/**
 * A paused answer whose question outlived its time to live is given up: it ends failed with the
 * reason (an `error` event, then the record), and the chat's next message starts a new answer
 * instead of replying to a question nobody remembers. Returns the message as it now stands.
 */
export async function expireIfUnanswered(deps: Pick<ChatDeps, "store" | "log" | "logger">, message: MessageRecord): Promise<MessageRecord> {
  const expiresAt = message.question?.expiresAt;
  if (message.status !== "awaiting_user" || !expiresAt || Date.parse(expiresAt) > Date.now()) return message;
  return endIdleAnswer(deps, message, { failed: { code: "deadline_exceeded", reason: unansweredReason } });
}

/** Gives up every paused answer past its question's time to live: housekeeping each replica runs now and then. */
export async function expireUnansweredQuestions(deps: Pick<ChatDeps, "store" | "log" | "logger">): Promise<void> {
  const paused = await deps.store.collection<MessageRecord>(collections.messages).findAcrossProjects({ status: "awaiting_user" });
  for (const message of paused) await expireIfUnanswered(deps, message);
}
