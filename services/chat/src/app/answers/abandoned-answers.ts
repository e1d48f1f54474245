import type { ChatDeps } from "../sessions/chat-deps.js";
import { collections, type MessageRecord } from "../sessions/chat-records.js";
import { endIdleAnswer } from "./idle-answers.js";

export const abandonedReason = "the chat service stopped while writing this answer; send the question again";

/**
 * An answer still "streaming" whose writer stopped renewing its lease died with its process:
 * it is failed with a reason (an `error` event, then the record), so it never stays streaming
 * and the chat takes the next message. Returns the message as it now stands.
 */
export async function failIfAbandoned(deps: ChatDeps, message: MessageRecord): Promise<MessageRecord> {
  if (message.status !== "streaming" || message.leaseUntil > Date.now() || deps.live.get(message.projectId, message.id)) return message;
  // If another event number was written first, its writer is alive after all (or another replica failed it).
  const failed = await endIdleAnswer(deps, message, { failed: { code: "unavailable", reason: abandonedReason } });
  if (failed.status === "failed") deps.logger.warn({ projectId: message.projectId, messageId: message.id }, "failed an answer abandoned by a stopped chat replica");
  return failed;
}

/** Fails every abandoned answer of every project: housekeeping each replica runs now and then. */
export async function failAbandonedAnswers(deps: ChatDeps): Promise<number> {
  const streaming = await deps.store.collection<MessageRecord>(collections.messages).findAcrossProjects({ status: "streaming" });
  let failed = 0;
  for (const message of streaming) if ((await failIfAbandoned(deps, message)).status === "failed") failed++;
  return failed;
}
