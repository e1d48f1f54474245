import { randomUUID } from "node:crypto";
import type { ChatRecord, MessageRecord } from "./chat-records.js";

/** Positions are part of message ids, so two messages sent at once cannot take the same place. */
const messageId = (chatId: string, position: number) => `${chatId}-${String(position).padStart(5, "0")}`;

/** A chat of `ownerId`'s, as it starts: no messages, no summary, no rules of its own. */
export function newChatRecord(projectId: string, ownerId: string, title: string, titleSource: ChatRecord["titleSource"]): ChatRecord {
  const now = new Date().toISOString();
  return { id: randomUUID(), projectId, ownerId, title, titleSource, summary: "", summarizedThrough: 0, createTime: now, updateTime: now };
}

/** A message at `position` of the chat, with what every message has; `fields` make it a question or an answer. */
export function newMessageRecord(
  chat: ChatRecord,
  position: number,
  fields: Pick<MessageRecord, "role" | "content" | "status" | "replyTo" | "version" | "provider" | "leaseUntil" | "completeTime"> & Partial<Pick<MessageRecord, "approvals" | "agentState">>,
): MessageRecord {
  return {
    id: messageId(chat.id, position),
    projectId: chat.projectId,
    chatId: chat.id,
    ownerId: chat.ownerId,
    position,
    citations: [],
    usage: { promptTokens: 0, completionTokens: 0 },
    transcript: [],
    question: null,
    agentState: null,
    error: null,
    createTime: new Date().toISOString(),
    ...fields,
  };
}
