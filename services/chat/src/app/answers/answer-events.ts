import type { PassageReference } from "@qamesh/ports";
import type { CitationRecord, MessageRecord, QuestionRecord } from "../sessions/chat-records.js";

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
  | { type: "message.completed"; message: MessageRecord }
  | { type: "error"; code: string; reason: string };

export interface NumberedEvent {
  seq: number;
  event: AnswerEvent;
}

/** After these nothing more comes for the answer (until a paused one is resumed). */
export const isLastEvent = (event: AnswerEvent): boolean => event.type === "message.completed" || event.type === "error" || event.type === "question";
