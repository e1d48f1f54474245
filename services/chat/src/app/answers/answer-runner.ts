import { toAppError } from "@qamesh/errors";
import type { CallSignal } from "@qamesh/ports";
import { finishedMessage, type AnswerEvent } from "./answer-events.js";
import type { AgentOutcome } from "../agent/agent-answer.js";
import type { ChatDeps } from "../sessions/chat-deps.js";
import { collections, type ChatRecord, type MessageRecord, type StopRequestRecord } from "../sessions/chat-records.js";
import type { LiveAnswer } from "./live-answers.js";

/** Why an answer that was stopped by something other than its user failed, in words for the user. */
const stoppedBecause = {
  shutdown: { code: "unavailable", message: "the chat service was shut down while writing this answer; send the question again" },
  deleted: { code: "cancelled", message: "the chat was deleted while this answer was written" },
} as const;

export type AnswerWork = (call: CallSignal) => AsyncGenerator<AnswerEvent, AgentOutcome>;

/**
 * Writes an answer in the background, detached from the call that started it (a client going
 * away does not stop it): each event is numbered, stored, then handed to this replica's
 * followers; the lease on the message is renewed while it runs; a stop asked on any replica
 * ends it (see stop-requests.ts). The events land before the final record, so a reader that sees the record finished
 * has every event. `message` is already stored as streaming.
 */
export function runAnswer(deps: ChatDeps, message: MessageRecord, afterSeq: number, work: AnswerWork, onAnswered?: (message: MessageRecord) => Promise<void>): LiveAnswer {
  const live = deps.live.start(message.projectId, message.id, afterSeq + 1);
  const writer = deps.log.writer(message, afterSeq, (events) => {
    for (const event of events) live.push(event);
  });
  const messages = deps.store.collection<MessageRecord>(collections.messages);
  const stops = deps.store.collection<StopRequestRecord>(collections.stops);
  const emit = (event: AnswerEvent) => void writer.append(event);
  // Record writes go one after another, so a late lease renewal never overwrites the final record.
  let recordWrites = Promise.resolve();
  const writeRecord = (record: MessageRecord) => (recordWrites = recordWrites.then(() => messages.put(record)));

  const renewal = setInterval(() => {
    void writeRecord({ ...message, leaseUntil: Date.now() + deps.answers.leaseMs }).catch((error: unknown) => deps.logger.warn({ err: error, messageId: message.id }, "could not renew an answer's lease"));
  }, deps.answers.leaseMs / 3);

  const run = async (): Promise<MessageRecord> => {
    let written = "";
    try {
      const events = work({ signal: live.controller.signal });
      // A question or an approval waits only so long: the event and the record say until when.
      const expiresAt = () => new Date(Date.now() + deps.answers.questionTtlMs).toISOString();
      let asked: AnswerEvent & { type: "question" } | undefined;
      let requested: AnswerEvent & { type: "approval.requested" } | undefined;
      let step = await events.next();
      while (!step.done) {
        let event = step.value;
        if (event.type === "token") written += event.text;
        if (event.type === "question") event = asked = { ...event, question: { ...event.question, expiresAt: expiresAt() } };
        if (event.type === "approval.requested") event = requested = { ...event, approval: { ...event.approval, expiresAt: expiresAt() } };
        emit(event);
        step = await events.next();
      }
      const outcome = step.value;
      const completeTime = new Date().toISOString();
      if (outcome.kind === "paused") {
        return { ...message, status: "awaiting_user", content: outcome.state.answer, question: asked?.question ?? { ...outcome.question, expiresAt: expiresAt() }, agentState: outcome.state };
      }
      if (outcome.kind === "awaiting_approval") {
        const approval = requested?.approval ?? { ...outcome.approval, expiresAt: expiresAt() };
        return { ...message, status: "awaiting_approval", content: outcome.state.answer, approvals: [...(message.approvals ?? []), approval], agentState: outcome.state };
      }
      const answered: MessageRecord = {
        ...message,
        status: "completed",
        content: outcome.answer,
        citations: outcome.citations,
        usage: outcome.usage,
        transcript: outcome.transcript,
        provider: outcome.writtenBy ?? message.provider,
        question: null,
        agentState: null,
        completeTime,
      };
      emit({ type: "citations", citations: outcome.citations });
      emit({ type: "message.completed", message: finishedMessage(answered) });
      return answered;
    } catch (error) {
      const completeTime = new Date().toISOString();
      if (live.stopReason === "user") {
        const stopped: MessageRecord = { ...message, status: "stopped", content: message.content + written, question: null, agentState: null, completeTime };
        emit({ type: "message.completed", message: finishedMessage(stopped) });
        return stopped;
      }
      const reason = live.stopReason ? stoppedBecause[live.stopReason] : toAppError(error);
      if (reason.code === "internal") deps.logger.error({ err: error, messageId: message.id }, "an answer failed");
      emit({ type: "error", code: reason.code, reason: reason.message });
      return { ...message, status: "failed", content: message.content + written, question: null, agentState: null, error: { code: reason.code, reason: reason.message }, completeTime };
    }
  };

  void deps.outliveCall(async () => {
    const final = await run();
    clearInterval(renewal);
    try {
      await writer.flush();
      const chat = await deps.store.collection<ChatRecord>(collections.chats).get(message.projectId, message.chatId);
      if (chat) await writeRecord({ ...final, leaseUntil: 0 });
      else await deps.log.deleteAnswer(message.projectId, message.id);
      await stops.delete({ projectId: message.projectId, id: message.id });
    } catch (error) {
      // The record stays streaming: its lease runs out and any replica fails it.
      deps.logger.error({ err: error, messageId: message.id }, "could not store the end of an answer");
    } finally {
      deps.live.finish(live);
    }
    if (final.status === "completed" && onAnswered) await onAnswered(final).catch((error: unknown) => deps.logger.warn({ err: error, messageId: message.id }, "after-answer work failed"));
  });
  return live;
}
