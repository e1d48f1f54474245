import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import type { CallSignal, LlmMessage, ProjectModels } from "@qamesh/ports";
import { collections, type ChatRecord, type MessageRecord } from "./chat-records.js";
import type { DocumentStore } from "@qamesh/ports";

export interface MemorySettings {
  /** Tokens the conversation before the question may take in a prompt (summary included). */
  historyTokens: number;
}

/** Older turns are summarized once the history passes this share of its budget... */
const summarizeAt = 0.75;
/** ...keeping this share of the budget of the latest turns word for word. */
const keepVerbatim = 0.25;
/** A summary never takes more than this share of the budget. */
const summaryShare = 0.2;
/** Every message costs a few tokens of framing beyond its text (role, separators). */
const perMessageTokens = 4;
const trimmedResult = "(an earlier tool result, trimmed to save room)";

/** One question and its answer's turn (tool calls with their results), as the model saw it. */
interface Turn {
  /** Position of the question's message; a summary covering it covers the whole turn. */
  position: number;
  messages: LlmMessage[];
}

export function tokensOf(messages: readonly LlmMessage[]): number {
  let total = 0;
  for (const message of messages) {
    total += perMessageTokens + countTokens(message.content);
    if (message.role === "assistant") for (const call of message.toolCalls ?? []) total += perMessageTokens + countTokens(call.name) + countTokens(call.argumentsJson);
  }
  return total;
}

/**
 * The conversation before `position` as the next prompt gets it, within the token budget:
 * each question with the latest finished version of its answer, tool calls and their results
 * included (never one without the other). Once it passes 75% of the budget, old tool results
 * are trimmed first; if that is not enough, the model summarizes the older turns (keeping the
 * latest ~25% word for word) and the summary is stored with the chat, so later turns start from
 * it. Without a model that writes, the summary lists the earlier questions.
 */
export async function promptHistory(
  deps: { store: DocumentStore; models: ProjectModels; memory: MemorySettings },
  chat: ChatRecord,
  messages: readonly MessageRecord[],
  position: number,
  call: CallSignal & { canSummarize: boolean },
): Promise<LlmMessage[]> {
  const budget = deps.memory.historyTokens;
  let turns = turnsBetween(messages, chat.summarizedThrough, position);
  let summary = chat.summary;
  const tooLong = () => tokensOf(withSummary(summary, turns.flatMap((turn) => turn.messages))) > budget * summarizeAt;
  // Old tool results go first: the answers they fed say what mattered in them.
  for (let index = 0; index < turns.length - 1 && tooLong(); index++) turns[index] = trimmed(turns[index]!);
  if (tooLong()) {
    // The latest turn, and those before it that fit in the verbatim share, stay; the rest go into the summary.
    let kept = 0;
    let tokens = 0;
    for (const turn of [...turns].reverse()) {
      tokens += tokensOf(turn.messages);
      if (kept > 0 && tokens > budget * keepVerbatim) break;
      kept++;
    }
    const older = turns.slice(0, turns.length - kept);
    turns = turns.slice(turns.length - kept);
    if (older.length > 0) summary = capped(await summarize(deps.models, chat.projectId, summary, older, call), Math.floor(budget * summaryShare));
    const chats = deps.store.collection<ChatRecord>(collections.chats);
    const stored = await chats.get(chat.projectId, chat.id);
    if (stored && older.length > 0) await chats.put({ ...stored, summary, summarizedThrough: older.at(-1)!.position });
  }
  // Only a latest turn larger than the whole budget is left to shorten.
  while (turns.length > 0 && tokensOf(withSummary(summary, turns.flatMap((turn) => turn.messages))) > budget) {
    const last = trimmed(turns.at(-1)!);
    turns = tokensOf(last.messages) < tokensOf(turns.at(-1)!.messages) ? [...turns.slice(0, -1), last] : turns.slice(1);
  }
  return withSummary(summary, turns.flatMap((turn) => turn.messages));
}

/** The turn with its tool results replaced by a note (the calls stay, each with its shortened result). */
function trimmed(turn: Turn): Turn {
  return { ...turn, messages: turn.messages.map((message) => (message.role === "tool" ? { ...message, content: trimmedResult } : message)) };
}

/** Questions after `after` and before `position`, each with its answer's turn. */
function turnsBetween(messages: readonly MessageRecord[], after: number, position: number): Turn[] {
  const earlier = messages.filter((message) => message.position > after && message.position < position);
  const answers = new Map<string, MessageRecord>();
  for (const message of earlier) {
    if (message.role !== "assistant" || (message.status !== "completed" && message.status !== "stopped")) continue;
    const known = answers.get(message.replyTo);
    if (!known || known.version < message.version) answers.set(message.replyTo, message);
  }
  const turns: Turn[] = [];
  for (const message of earlier) {
    // A user message answering the agent's question lives inside that answer's turn.
    if (message.role !== "user" || message.replyTo) continue;
    const answer = answers.get(message.id);
    const turn: LlmMessage[] = answer && answer.transcript.length > 0 ? answer.transcript.map(forLaterTurns) : [{ role: "user", content: message.content }];
    if (answer && answer.transcript.length === 0 && answer.content) turn.push({ role: "assistant", content: withoutMarkers(answer.content) });
    turns.push({ position: answer?.position ?? message.position, messages: turn });
  }
  return turns;
}

/**
 * An earlier answer's turn as a later prompt shows it: its passage numbers and citation markers
 * taken out, since they named that answer's passages and the new answer numbers its own.
 */
function forLaterTurns(message: LlmMessage): LlmMessage {
  if (message.role === "tool") return { ...message, content: message.content.replace(/^\[\d{1,3}\] /gm, "") };
  if (message.role === "assistant") return { ...message, content: withoutMarkers(message.content) };
  return message;
}

const withoutMarkers = (text: string) => text.replace(/\[\d{1,3}\]/g, "");

function withSummary(summary: string, messages: LlmMessage[]): LlmMessage[] {
  return summary ? [{ role: "system", content: `Summary of the earlier conversation:\n${summary}` }, ...messages] : messages;
}

async function summarize(models: ProjectModels, projectId: string, previous: string, turns: Turn[], call: CallSignal & { canSummarize: boolean }): Promise<string> {
  const transcript = turns
    .flatMap((turn) => turn.messages)
    .filter((message) => message.role === "user" || message.role === "assistant")
    .map((message) => `${message.role}: ${message.content}`)
    .join("\n");
  if (!call.canSummarize) {
    const questions = turns.map((turn) => turn.messages.find((message) => message.role === "user")?.content ?? "").filter(Boolean);
    return [previous, `Earlier questions: ${questions.join(" | ")}`].filter(Boolean).join("\n");
  }
  const request = {
    messages: [
      {
        role: "system" as const,
        content:
          "Summarize this conversation about a software project for your own later reference: the questions, the answers' facts, the files and names they mention, open points. Plain text, at most 200 words.",
      },
      { role: "user" as const, content: `${previous ? `Summary so far:\n${previous}\n\n` : ""}Conversation:\n${transcript}` },
    ],
    documents: [],
  };
  let text = "";
  for await (const event of models.complete(projectId, request, call)) if (event.type === "text") text += event.text;
  return text.trim() || previous;
}

/** A summary cut to at most `tokens` tokens (a model may ignore the length it was asked for). */
function capped(summary: string, tokens: number): string {
  if (countTokens(summary) <= tokens) return summary;
  let end = summary.length;
  while (end > 0 && countTokens(summary.slice(0, end)) > tokens) end = Math.floor(end * 0.9);
  return `${summary.slice(0, end)}…`;
}
