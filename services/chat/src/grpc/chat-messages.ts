import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { AnswerEventSchema, ApprovalSchema, AskEventSchema, ChatMessageSchema, ChatSchema, CitationSchema } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import type { FinishedMessage, NumberedEvent } from "../app/answers/answer-events.js";
import type { OneShotEvent } from "../app/agent/answer-question.js";
import type { ApprovalRecord, ChatRecord, CitationRecord, QuestionRecord } from "../app/sessions/chat-records.js";

/** Records and events of the chat service in their protobuf form. */

const timestamp = (iso: string | null) => (iso ? { complete: timestampFromDate(new Date(iso)) } : {});

const questionMessage = (question: QuestionRecord) => ({
  text: question.text,
  choices: question.choices,
  ...(question.expiresAt ? { expireTime: timestampFromDate(new Date(question.expiresAt)) } : {}),
});

export const approvalMessage = (approval: ApprovalRecord): MessageInitShape<typeof ApprovalSchema> => ({
  id: approval.id,
  callId: approval.callId,
  tool: approval.tool,
  argumentsJson: approval.argumentsJson,
  reason: approval.reason,
  ...(approval.expiresAt ? { expireTime: timestampFromDate(new Date(approval.expiresAt)) } : {}),
  decision: approval.decision,
  decidedBy: approval.decidedBy,
  approvedArgumentsJson: approval.approvedArgumentsJson,
  ...(approval.decidedAt ? { decideTime: timestampFromDate(new Date(approval.decidedAt)) } : {}),
});

const citationMessage = (citation: CitationRecord): MessageInitShape<typeof CitationSchema> => ({ index: citation.index, snippet: citation.snippet, reference: citation.reference });

export function chatMessage(chat: ChatRecord): MessageInitShape<typeof ChatSchema> {
  return {
    id: chat.id,
    projectId: chat.projectId,
    title: chat.title,
    summary: chat.summary,
    createTime: timestampFromDate(new Date(chat.createTime)),
    updateTime: timestampFromDate(new Date(chat.updateTime)),
    toolPolicies: chat.toolPolicies ?? [],
  };
}

export function messageMessage(message: FinishedMessage): MessageInitShape<typeof ChatMessageSchema> {
  return {
    id: message.id,
    chatId: message.chatId,
    role: message.role,
    content: message.content,
    status: message.status,
    replyTo: message.replyTo,
    version: message.version,
    citations: message.citations.map(citationMessage),
    provider: message.provider,
    usage: message.usage,
    ...(message.question ? { question: questionMessage(message.question) } : {}),
    errorCode: message.error?.code ?? "",
    errorReason: message.error?.reason ?? "",
    createTime: timestampFromDate(new Date(message.createTime)),
    ...(timestamp(message.completeTime).complete ? { completeTime: timestamp(message.completeTime).complete } : {}),
    approvals: (message.approvals ?? []).map(approvalMessage),
  };
}

export function answerEventMessage({ seq, event }: NumberedEvent): MessageInitShape<typeof AnswerEventSchema> {
  switch (event.type) {
    case "message.started":
      return { seq, event: { case: "messageStarted", value: event } };
    case "token":
      return { seq, event: { case: "token", value: event.text } };
    case "tool.started":
      return { seq, event: { case: "toolStarted", value: { callId: event.callId, tool: event.tool, argumentsJson: event.arguments } } };
    case "tool.finished":
      return { seq, event: { case: "toolFinished", value: event } };
    case "citations":
      return { seq, event: { case: "citations", value: { citations: event.citations.map(citationMessage) } } };
    case "question":
      return { seq, event: { case: "question", value: questionMessage(event.question) } };
    case "message.completed":
      return { seq, event: { case: "messageCompleted", value: messageMessage(event.message) } };
    case "error":
      return { seq, event: { case: "error", value: { code: event.code, reason: event.reason } } };
    case "approval.requested":
      return { seq, event: { case: "approvalRequested", value: approvalMessage(event.approval) } };
    case "approval.decided":
      return { seq, event: { case: "approvalDecided", value: approvalMessage(event.approval) } };
  }
}

/** The one-shot ask's stream: the agent's events that it has always carried, then the answer. */
export function askEventMessage(event: OneShotEvent): MessageInitShape<typeof AskEventSchema> | undefined {
  switch (event.type) {
    case "token":
      return { event: { case: "token", value: event.text } };
    case "tool.started":
      return { event: { case: "toolStarted", value: { callId: event.callId, tool: event.tool, argumentsJson: event.arguments } } };
    case "tool.finished":
      return { event: { case: "toolFinished", value: event } };
    case "citations":
      return { event: { case: "citations", value: { citations: event.citations.map(citationMessage) } } };
    case "done":
      return { event: { case: "done", value: { answer: event.answer, citations: event.citations.map(citationMessage), provider: event.provider, usage: event.usage } } };
    default:
      return undefined;
  }
}
