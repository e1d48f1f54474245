import type { CallPrincipal } from "@qamesh/authorization";
import type { ApprovalRecord, AgentState, ChatRecord, MessageRecord } from "./chat-records.js";
import { collections } from "./chat-records.js";
import type { ChatDeps } from "./chat-deps.js";
import { chatUser } from "./chat-use-cases.js";
import { heuristicTitle } from "./chat-titles.js";
import { newChatRecord, newMessageRecord } from "./new-records.js";

/** Where a one-shot answer's waiting call went: the chat, its answer and the approval. */
export interface HandedOff {
  chatId: string;
  messageId: string;
  approvalId: string;
  title: string;
}

/**
 * A one-shot answer (POST /ask, the OpenAI-compatible endpoint) has nobody to ask, so a call that
 * needs approval is not run there: the answer is handed to a new chat of the user's, paused on
 * that call, where they approve or deny it and the answer goes on. Undefined when the caller
 * cannot own a chat (not a user, or not allowed to chat in the project).
 */
export async function handOffToChat(
  deps: ChatDeps,
  principal: CallPrincipal,
  input: { projectId: string; question: string; provider: string },
  paused: { approval: ApprovalRecord; state: AgentState },
): Promise<HandedOff | undefined> {
  let user;
  try {
    user = chatUser(principal, input.projectId);
  } catch {
    return undefined;
  }
  const title = heuristicTitle(input.question);
  const chat = newChatRecord(input.projectId, user.userId, title, "heuristic");
  const question = newMessageRecord(chat, 1, { role: "user", content: input.question, status: "completed", replyTo: "", version: 0, provider: "", leaseUntil: 0, completeTime: chat.createTime });
  const approval: ApprovalRecord = {
    ...paused.approval,
    expiresAt: new Date(Date.now() + deps.answers.questionTtlMs).toISOString(),
    caller: { userId: user.userId, username: user.username, chatId: chat.id },
  };
  const answer = newMessageRecord(chat, 2, {
    role: "assistant",
    content: paused.state.answer,
    status: "awaiting_approval",
    replyTo: question.id,
    version: 1,
    provider: input.provider,
    approvals: [approval],
    agentState: paused.state,
    leaseUntil: 0,
    completeTime: null,
  });
  await deps.store.transaction(async (store) => {
    await store.collection<ChatRecord>(collections.chats).insert(chat);
    await store.collection<MessageRecord>(collections.messages).insert(question);
    await store.collection<MessageRecord>(collections.messages).insert(answer);
  });
  // Its events, as if it had been written in the chat: what a client following it sees first.
  await deps.log.appendOne(answer, 0, { type: "message.started", messageId: answer.id, chatId: chat.id, replyTo: question.id, version: 1 });
  if (paused.state.answer) await deps.log.appendOne(answer, 1, { type: "token", text: paused.state.answer });
  await deps.log.appendOne(answer, paused.state.answer ? 2 : 1, { type: "approval.requested", approval });
  return { chatId: chat.id, messageId: answer.id, approvalId: approval.id, title };
}

/** What the one-shot answer says instead of the call's result. */
export function handOffNote(tool: string, projectId: string, handedOff: HandedOff | undefined): string {
  if (!handedOff) return `\n\n(${tool} needs the approval of a chat's owner before it runs, so it did not run; ask this in a chat of the project to approve it.)`;
  const path = `/v1/projects/${projectId}/chats/${handedOff.chatId}/messages/${handedOff.messageId}/approvals/${handedOff.approvalId}`;
  return `\n\n(${tool} needs your approval before it runs, so it did not run here. The call waits in your chat "${handedOff.title}" (${handedOff.chatId}): approve or deny it there (POST ${path}), and the answer goes on in that chat.)`;
}
