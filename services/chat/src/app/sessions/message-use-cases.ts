import { setTimeout as sleep } from "node:timers/promises";
import type { CallPrincipal, Principal } from "@qamesh/authorization";
import { AppError, failedPrecondition, invalidArgument, notFound, toAppError } from "@qamesh/errors";
import { textLimits } from "@qamesh/limits";
import type { CallSignal } from "@qamesh/ports";
import { failIfAbandoned } from "../answers/abandoned-answers.js";
import { expireIfUnanswered } from "../answers/unanswered-questions.js";
import { agentAnswer, resumeAgent, type AnswerInput } from "../agent/agent-answer.js";
import type { NumberedEvent } from "../answers/answer-events.js";
import { endIdleAnswer } from "../answers/idle-answers.js";
import type { LogCursor } from "../answers/answer-log.js";
import { runAnswer, type AnswerWork } from "../answers/answer-runner.js";
import type { ChatDeps } from "./chat-deps.js";
import { promptHistory } from "./chat-memory.js";
import { collections, type ChatRecord, type MessageRecord, type StopRequestRecord } from "./chat-records.js";
import { heuristicTitle, modelTitle } from "./chat-titles.js";
import { newMessageRecord } from "./new-records.js";
import { chatUser, messagesOf, ownChat } from "./chat-use-cases.js";
import { providerName } from "../agent/provider-name.js";

const awaitingApproval = "the latest answer waits for your decision on a tool call; approve, deny or stop it first";

/** How long a stop asked on one replica waits for the replica writing the answer to end it. */
const stopWaitMs = 10_000;

export type MessageInput = { projectId: string; chatId: string; messageId: string };

/** The answer, if it is one in the user's own chat. */
export async function ownAnswerOf(deps: ChatDeps, user: Principal, input: MessageInput): Promise<{ chat: ChatRecord; message: MessageRecord }> {
  const chat = await ownChat(deps, user, input.projectId, input.chatId);
  if (!input.messageId) throw invalidArgument("messageId", "messageId is required");
  const message = await deps.store.collection<MessageRecord>(collections.messages).get(input.projectId, input.messageId);
  if (!message || message.chatId !== chat.id || message.role !== "assistant") throw notFound(`answer ${input.messageId} not found in chat ${chat.id}`);
  return { chat, message };
}

/**
 * What the agent needs to answer `question` in a chat for its owner `user` (its own tool rules
 * included); the history is read when the answer starts.
 */
export async function chatAnswerInput(deps: ChatDeps, chat: ChatRecord, user: Principal, question: string, call: CallSignal): Promise<AnswerInput> {
  const profile = await deps.models.describe(chat.projectId, call);
  return {
    projectId: chat.projectId,
    provider: providerName(profile),
    callsTools: profile.callsTools,
    history: [],
    question,
    canAskUser: true,
    chatRules: chat.toolPolicies ?? [],
    caller: { userId: user.userId, username: user.username, chatId: chat.id },
  };
}


export function messageUseCases(deps: ChatDeps) {
  const chats = deps.store.collection<ChatRecord>(collections.chats);
  const messages = deps.store.collection<MessageRecord>(collections.messages);

  /**
   * The chat's messages, an answer abandoned by a dead replica failed first and a question past
   * its time to live given up (so neither blocks the chat).
   */
  async function currentMessages(chat: ChatRecord): Promise<MessageRecord[]> {
    const all = await messagesOf(deps, chat);
    return Promise.all(all.map(async (message) => expireIfUnanswered(deps, await failIfAbandoned(deps, message))));
  }

  const ownAnswer = (user: Principal, input: MessageInput) => ownAnswerOf(deps, user, input);
  const answerInput = (chat: ChatRecord, user: Principal, question: string, call: CallSignal) => chatAnswerInput(deps, chat, user, question, call);

  /** An answer being written from now on, under this replica's lease. */
  const newAnswer = (chat: ChatRecord, position: number, replyTo: string, version: number, provider: string) =>
    newMessageRecord(chat, position, { role: "assistant", content: "", status: "streaming", replyTo, version, provider, leaseUntil: Date.now() + deps.answers.leaseMs, completeTime: null });

  /**
   * Starts writing a fresh answer: its first event names it, so a client knows what to follow;
   * then the conversation before `question` goes into the prompt (summarized when it has grown).
   */
  function startFresh(chat: ChatRecord, answer: MessageRecord, all: readonly MessageRecord[], question: MessageRecord, input: AnswerInput, onAnswered?: (message: MessageRecord) => Promise<void>): void {
    const work: AnswerWork = async function* (call) {
      yield { type: "message.started", messageId: answer.id, chatId: chat.id, replyTo: answer.replyTo, version: answer.version };
      const history = await promptHistory(deps, chat, all, question.position, { ...call, canSummarize: input.provider !== "extractive" });
      return yield* agentAnswer(deps, { ...input, history }, call);
    };
    runAnswer(deps, answer, 0, work, onAnswered);
  }

  async function insertTogether(records: MessageRecord[]): Promise<void> {
    try {
      await deps.store.transaction(async (store) => {
        for (const record of records) await store.collection<MessageRecord>(collections.messages).insert(record);
      });
    } catch (error) {
      if (toAppError(error).code === "already_exists") throw failedPrecondition("another message was sent to this chat at the same moment; send yours again");
      throw error;
    }
  }

  /** Names the chat from its first question: by the model when there is one (it may take a moment), else by the heuristic alone. */
  async function nameChat(chat: ChatRecord, question: string): Promise<void> {
    const title = await modelTitle(deps.models, chat.projectId, question, {});
    const current = await chats.get(chat.projectId, chat.id);
    if (!title || current?.titleSource !== "heuristic") return;
    await chats.put({ ...current, title, titleSource: "model" });
  }

  return {
    /**
     * The user's message: it answers the question a paused answer asked (which then continues),
     * or starts a new answer. Refused while an answer is still being written.
     */
    async send(principal: CallPrincipal, input: { projectId: string; chatId: string; content: string }, call: CallSignal): Promise<{ userMessage: MessageRecord; answer: MessageRecord; eventsAfter: number }> {
      const user = chatUser(principal, input.projectId);
      const content = input.content.trim();
      if (!content) throw invalidArgument("content", "content must not be empty");
      if (content.length > textLimits.message) throw invalidArgument("content", `content must be at most ${textLimits.message} characters`);
      const chat = await ownChat(deps, user, input.projectId, input.chatId);
      const all = await currentMessages(chat);
      const last = all.at(-1);
      const lastAnswer = all.findLast((message) => message.role === "assistant");
      if (lastAnswer?.status === "streaming") throw failedPrecondition("an answer is still being written in this chat; wait for it or stop it");
      if (lastAnswer?.status === "awaiting_approval") throw failedPrecondition(awaitingApproval);
      const position = (last?.position ?? 0) + 1;
      const now = new Date().toISOString();
      const userMessage = newMessageRecord(chat, position, { role: "user", content, status: "completed", replyTo: "", version: 0, provider: "", leaseUntil: 0, completeTime: now });

      if (lastAnswer?.status === "awaiting_user" && lastAnswer.agentState) {
        // The reply to the agent's question: the same answer goes on from where it paused.
        const paused = lastAnswer.agentState;
        const resumed: MessageRecord = { ...lastAnswer, status: "streaming", question: null, leaseUntil: Date.now() + deps.answers.leaseMs };
        const reply: MessageRecord = { ...userMessage, replyTo: lastAnswer.id };
        // Everything that can fail on a peer comes before anything is written.
        const question = all.find((message) => message.id === lastAnswer.replyTo)?.content ?? "";
        const answerOptions = await answerInput(chat, user, question, call);
        const afterSeq = await deps.log.lastSeq(chat.projectId, lastAnswer.id);
        await insertTogether([reply]);
        await messages.put(resumed);
        runAnswer(deps, resumed, afterSeq, (signal) => resumeAgent(deps, answerOptions, paused, content, signal));
        await chats.put({ ...chat, updateTime: now });
        return { userMessage: reply, answer: resumed, eventsAfter: afterSeq };
      }

      const answerOptions = await answerInput(chat, user, content, call);
      const answer = newAnswer(chat, position + 1, userMessage.id, 1, answerOptions.provider);
      await insertTogether([userMessage, answer]);
      const first = chat.titleSource === "none";
      const current: ChatRecord = { ...chat, updateTime: now, ...(first ? { title: heuristicTitle(content), titleSource: "heuristic" as const } : {}) };
      await chats.put(current);
      startFresh(current, answer, all, userMessage, answerOptions, first && answerOptions.provider !== "extractive" ? () => nameChat(chat, content) : undefined);
      return { userMessage, answer, eventsAfter: 0 };
    },

    async get(principal: CallPrincipal, input: MessageInput): Promise<MessageRecord> {
      const chat = await ownChat(deps, chatUser(principal, input.projectId), input.projectId, input.chatId);
      const message = input.messageId ? await messages.get(input.projectId, input.messageId) : undefined;
      if (!message || message.chatId !== chat.id) throw notFound(`message ${input.messageId} not found in chat ${chat.id}`);
      return failIfAbandoned(deps, message);
    },

    /** An answer's events after `after`, then the rest live as they are written, until it ends (or pauses for the user). */
    async *follow(principal: CallPrincipal, input: MessageInput & { after: number }, signal: AbortSignal | undefined): AsyncIterable<NumberedEvent> {
      const user = chatUser(principal, input.projectId);
      if (!Number.isInteger(input.after) || input.after < 0) throw invalidArgument("after", "after must be a whole number from 0");
      await ownAnswer(user, input);
      let cursor: LogCursor = { seq: input.after };
      while (!signal?.aborted) {
        const live = deps.live.get(input.projectId, input.messageId);
        if (live && live.firstSeq <= cursor.seq + 1) {
          for await (const numbered of live.follow(cursor.seq, signal)) {
            yield numbered;
            cursor = { seq: numbered.seq };
          }
          // Every event the run stored reached its followers before it ended: nothing is left to read,
          // unless its last writes failed (the record is still streaming, until its lease runs out).
          const ended = await messages.get(input.projectId, input.messageId);
          if (!ended || ended.status !== "streaming") return;
          continue;
        }
        // The record first: if it is finished, every event it wrote is already in the log.
        const message = await messages.get(input.projectId, input.messageId);
        if (!message) return;
        const read = await deps.log.read(input.projectId, input.messageId, cursor);
        cursor = read.cursor;
        yield* read.events;
        if (message.status !== "streaming") return;
        if ((await failIfAbandoned(deps, message)).status !== "streaming") continue;
        await sleep(deps.answers.pollMs, undefined, { signal }).catch(() => {});
      }
    },

    /** Stops an answer being written (its text so far is kept) or one waiting for the user; a finished one is returned as it is. */
    async stop(principal: CallPrincipal, input: MessageInput): Promise<MessageRecord> {
      const user = chatUser(principal, input.projectId);
      const { message } = await ownAnswer(user, input);
      if (message.status === "awaiting_user" || message.status === "awaiting_approval") return endIdleAnswer(deps, message, { stopped: true });
      if (message.status !== "streaming") return message;
      const live = deps.live.get(message.projectId, message.id);
      if (live) {
        live.stop("user");
        await live.finished;
      } else {
        // Another replica writes it: it looks for stop requests while it works.
        await deps.store.collection<StopRequestRecord>(collections.stops).put({ id: message.id, projectId: message.projectId, ownerId: message.ownerId, messageId: message.id });
        const deadline = Date.now() + stopWaitMs;
        while (Date.now() < deadline) {
          const current = await failIfAbandoned(deps, (await messages.get(message.projectId, message.id)) ?? message);
          if (current.status !== "streaming") return current;
          await sleep(100);
        }
        throw new AppError("unavailable", "the replica writing this answer did not stop it in time; try again");
      }
      return (await messages.get(message.projectId, message.id)) ?? message;
    },

    /** A new version of the chat's latest answer, written from the same question and history; the earlier versions stay. */
    async regenerate(principal: CallPrincipal, input: MessageInput, call: CallSignal): Promise<MessageRecord> {
      const user = chatUser(principal, input.projectId);
      const { chat, message } = await ownAnswer(user, input);
      const all = await currentMessages(chat);
      if (all.some((other) => other.status === "streaming")) throw failedPrecondition("an answer is still being written in this chat; wait for it or stop it");
      if (all.some((other) => other.status === "awaiting_user")) throw failedPrecondition("the latest answer waits for your reply to its question; reply or stop it first");
      if (all.some((other) => other.status === "awaiting_approval")) throw failedPrecondition(awaitingApproval);
      const question = all.find((other) => other.id === message.replyTo);
      const lastQuestion = all.findLast((other) => other.role === "user" && !other.replyTo);
      if (!question || question.id !== lastQuestion?.id) throw failedPrecondition("only the chat's latest answer can be regenerated");
      const version = Math.max(...all.filter((other) => other.replyTo === question.id && other.role === "assistant").map((other) => other.version)) + 1;
      const position = all.at(-1)!.position + 1;
      const answerOptions = await answerInput(chat, user, question.content, call);
      const answer = newAnswer(chat, position, question.id, version, answerOptions.provider);
      await insertTogether([answer]);
      const current: ChatRecord = { ...chat, updateTime: new Date().toISOString() };
      await chats.put(current);
      startFresh(current, answer, all, question, answerOptions);
      return answer;
    },
  };
}

export type MessageUseCases = ReturnType<typeof messageUseCases>;
