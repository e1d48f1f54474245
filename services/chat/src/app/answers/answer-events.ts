import type { PassageReference } from "@qamesh/ports";
import type { ApprovalRecord, CitationRecord, MessageRecord, QuestionRecord } from "../sessions/chat-records.js";

/**
 * What happens in an answer, in the order it happens: the one protocol every client (SSE,
 * WebSocket, the one-shot ask) receives. Persisted numbered, so a client can resume after any.
 */
export type AnswerEvent =
  | { type: "message.started"; messageId: string; chatId: string; replyTo: string; version: number }
  | { type: "token"; text: string }
  | { type: "tool.started"; callId: string; tool: string; arguments: string }
  | { type: "tool.finished"; callId: string; failed: boolean; summary: string; references: PassageReference[]; durationMs: number }
  | { type: "citations"; citations: CitationRecord[] }
  | { type: "question"; question: QuestionRecord }
  | { type: "approval.requested"; approval: ApprovalRecord }
  | { type: "approval.decided"; approval: ApprovalRecord }
  | { type: "message.completed"; message: FinishedMessage }
  | { type: "error"; code: string; reason: string };

/** A message as its final event carries it: without the model's transcript and paused state (kept on the record only). */
export type FinishedMessage = Omit<MessageRecord, "transcript" | "agentState">;

/** The message an event may carry. */
export function finishedMessage(message: MessageRecord): FinishedMessage {
  const { transcript: _transcript, agentState: _agentState, ...shown } = message;
  return shown;
}

export interface NumberedEvent {
  seq: number;
  event: AnswerEvent;
}
