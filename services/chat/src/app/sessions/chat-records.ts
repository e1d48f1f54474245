import type { DocumentIndex, LlmMessage, Passage, PassageReference, StoredDocument } from "@qamesh/ports";
import type { AnswerEvent } from "../answers/answer-events.js";
import type { CallCaller } from "../audit/call-audit.js";
import type { ChatToolRule } from "@qamesh/custom-tools";

/** A conversation of one user (its owner) about one project. */
export interface ChatRecord extends StoredDocument {
  ownerId: string;
  title: string;
  /** Whether the title still is the one guessed from the first message (a model may replace it). */
  titleSource: "none" | "heuristic" | "model" | "user";
  /** Older turns in the model's own words, once they no longer fit the prompt; "" until then. */
  summary: string;
  /** How many messages (by position) the summary covers. */
  summarizedThrough: number;
  /** The chat's own tool rules, which only tighten the project's policy; absent until set. */
  toolPolicies?: ChatToolRule[];
  createTime: string;
  updateTime: string;
}

export type MessageStatus = "streaming" | "awaiting_user" | "awaiting_approval" | "completed" | "stopped" | "failed";

export interface CitationRecord {
  index: number;
  reference: PassageReference;
  snippet: string;
}

export interface QuestionRecord {
  text: string;
  choices: string[];
  /** ISO time after which the paused answer is given up (set when the answer pauses). */
  expiresAt?: string;
}

/** A tool call under an `ask` policy, waiting for (or given) the chat owner's decision. */
export interface ApprovalRecord {
  id: string;
  /** The model's call it decides. */
  callId: string;
  tool: string;
  /** The tool's name as policies match it (http:order_status); absent on approvals kept before it was. */
  qualifiedName?: string;
  /** Whose answer made the call, in which chat: the audit log's "who" should it expire. */
  caller?: CallCaller;
  argumentsJson: string;
  reason: string;
  /** ISO time after which, undecided, the answer is given up. */
  expiresAt: string;
  decision: "pending" | "approved" | "denied" | "expired";
  /** The user who decided ("" while pending or when it expired). */
  decidedBy: string;
  decidedAt: string | null;
  /** The arguments approved: the model's, or the owner's edit of them ("" unless approved). */
  approvedArgumentsJson: string;
}

/** Where a paused answer stands, so any replica can continue it when the user answers. */
export interface AgentState {
  /** The conversation the model has seen so far in this answer (system prompt and history included). */
  messages: LlmMessage[];
  /** Where this turn starts in `messages` (the user's question): what is kept as the turn's transcript. */
  turnStart: number;
  /** Passages numbered so far; [n] is passages[n - 1]. */
  passages: Passage[];
  /** Calls already run in this answer (name and arguments → the first call's id). */
  earlierCalls: [string, string][];
  /** The step the answer paused at. */
  step: number;
  answer: string;
  usage: { promptTokens: number; completionTokens: number };
  /** The model that wrote the latest turn, when the project's model has fallbacks ("openai:gpt-4o"). */
  writtenBy?: string;
  /** The id of the ask_user call the user's next message answers. */
  questionCallId: string;
}

export interface MessageRecord extends StoredDocument {
  chatId: string;
  ownerId: string;
  role: "user" | "assistant";
  /** Order within the chat. A regenerated answer takes a new position; `replyTo` ties it to its question. */
  position: number;
  content: string;
  status: MessageStatus;
  replyTo: string;
  version: number;
  citations: CitationRecord[];
  provider: string;
  usage: { promptTokens: number; completionTokens: number };
  /** The turn as the model saw it (tool calls and their results), for later turns' prompts. */
  transcript: LlmMessage[];
  question: QuestionRecord | null;
  /** The calls of this answer that waited for approval; the last is pending while the status is awaiting_approval. Absent on records from before approvals. */
  approvals?: ApprovalRecord[];
  agentState: AgentState | null;
  error: { code: string; reason: string } | null;
  /**
   * While streaming: epoch ms until which the replica writing it vouches it is alive (it renews
   * this); past it, the answer was abandoned (its process died) and any replica fails it.
   */
  leaseUntil: number;
  createTime: string;
  completeTime: string | null;
}

/** Consecutive events of one answer, written together (tokens come too fast for one record each). */
export interface EventBatchRecord extends StoredDocument {
  ownerId: string;
  messageId: string;
  firstSeq: number;
  events: { seq: number; event: AnswerEvent }[];
}

/** A stop asked for on any replica; the one writing the answer sees it. */
export interface StopRequestRecord extends StoredDocument {
  ownerId: string;
  messageId: string;
}

export const collections = {
  chats: "chats",
  messages: "chatMessages",
  eventBatches: "answerEventBatches",
  stops: "answerStops",
} as const;

export const chatIndexes: DocumentIndex[] = [
  { collection: collections.chats, fields: ["projectId", "ownerId", "updateTime"] },
  { collection: collections.messages, fields: ["projectId", "chatId", "position"] },
  { collection: collections.messages, fields: ["status"] },
  { collection: collections.eventBatches, fields: ["projectId", "messageId", "firstSeq"] },
];
