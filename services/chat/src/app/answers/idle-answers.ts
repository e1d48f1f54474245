import { toAppError } from "@qamesh/errors";
import type { ChatDeps } from "../sessions/chat-deps.js";
import { collections, type MessageRecord } from "../sessions/chat-records.js";
import { finishedMessage, type AnswerEvent } from "./answer-events.js";

/**
 * Ends an answer that no replica is writing (abandoned by a dead one, or paused for the user):
 * its last event goes into the log after its others, then its record is stored. Two replicas
 * doing it at once write the same event number and only one succeeds; the other gets the
 * record as it now stands (and does not run `afterEnding`, which is for the one that ended it).
 */
export async function endIdleAnswer(
  deps: Pick<ChatDeps, "store" | "log">,
  message: MessageRecord,
  end: { failed: { code: string; reason: string } } | { stopped: true },
  afterEnding?: () => Promise<void>,
): Promise<MessageRecord> {
  const messages = deps.store.collection<MessageRecord>(collections.messages);
  const common = { question: null, agentState: null, completeTime: new Date().toISOString() };
  const ended: MessageRecord =
    "failed" in end ? { ...message, ...common, status: "failed", error: end.failed } : { ...message, ...common, status: "stopped" };
  const event: AnswerEvent = "failed" in end ? { type: "error", code: end.failed.code, reason: end.failed.reason } : { type: "message.completed", message: finishedMessage(ended) };
  try {
    await deps.log.appendOne(message, await deps.log.lastSeq(message.projectId, message.id), event);
  } catch (error) {
    if (toAppError(error).code === "already_exists") return (await messages.get(message.projectId, message.id)) ?? message;
    throw error;
  }
  await messages.put(ended);
  await afterEnding?.();
  return ended;
}
