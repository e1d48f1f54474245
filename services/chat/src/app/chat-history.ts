import type { LlmMessage } from "@qamesh/ports";
import type { MessageRecord } from "./chat-records.js";

/**
 * The conversation before `position`, as the model reads it: each question with the latest
 * finished version of its answer. Citation markers are taken out of earlier answers: their
 * numbers named that answer's passages, not this one's.
 */
export function historyBefore(messages: readonly MessageRecord[], position: number): LlmMessage[] {
  const earlier = messages.filter((message) => message.position < position);
  const answers = new Map<string, MessageRecord>();
  for (const message of earlier) {
    if (message.role !== "assistant" || (message.status !== "completed" && message.status !== "stopped")) continue;
    const known = answers.get(message.replyTo);
    if (!known || known.version < message.version) answers.set(message.replyTo, message);
  }
  const history: LlmMessage[] = [];
  for (const message of earlier) {
    // A user message answering the agent's question lives inside that answer's turn.
    if (message.role !== "user" || message.replyTo) continue;
    history.push({ role: "user", content: message.content });
    const answer = answers.get(message.id);
    if (answer?.content) history.push({ role: "assistant", content: answer.content.replace(/\[\d{1,3}\]/g, "") });
  }
  return history;
}
