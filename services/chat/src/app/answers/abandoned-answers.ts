import { toAppError } from "@qamesh/errors";
import type { ChatDeps } from "../sessions/chat-deps.js";
import { collections, type MessageRecord } from "../sessions/chat-records.js";

export const abandonedReason = "the chat service stopped while writing this answer; send the question again";

/**
 * An answer still "streaming" whose writer stopped renewing its lease died with its process:
 * it is failed with a reason (an `error` event, then the record), so it never stays streaming
 * and the chat takes the next message. Two replicas doing it at once write the same event
 * number; only one succeeds. Returns the message as it now stands.
 */
export async function failIfAbandoned(deps: ChatDeps, message: MessageRecord): Promise<MessageRecord> {
  if (message.status !== "streaming" || message.leaseUntil > Date.now() || deps.live.get(message.projectId, message.id)) return message;
  const messages = deps.store.collection<MessageRecord>(collections.messages);
  const failed: MessageRecord = { ...message, status: "failed", error: { code: "unavailable", reason: abandonedReason }, completeTime: new Date().toISOString() };
  try {
    const lastSeq = await deps.log.lastSeq(message.projectId, message.id);
    await deps.log.appendOne(message, lastSeq, { type: "error", code: "unavailable", reason: abandonedReason });
  } catch (error) {
    // Someone wrote that event number first: its writer is alive after all, or another replica failed it.
    if (toAppError(error).code === "already_exists") return (await messages.get(message.projectId, message.id)) ?? message;
    throw error;
  }
  await messages.put(failed);
  deps.logger.warn({ projectId: message.projectId, messageId: message.id }, "failed an answer abandoned by a stopped chat replica");
  return failed;
}

/** Fails every abandoned answer of every project: housekeeping each replica runs now and then. */
export async function failAbandonedAnswers(deps: ChatDeps): Promise<number> {
  const streaming = await deps.store.collection<MessageRecord>(collections.messages).findAcrossProjects({ status: "streaming" });
  let failed = 0;
  for (const message of streaming) if ((await failIfAbandoned(deps, message)).status === "failed") failed++;
  return failed;
}
