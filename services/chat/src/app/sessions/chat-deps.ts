import type { Logger } from "@qamesh/logger";
import type { DocumentStore } from "@qamesh/ports";
import type { AgentDeps } from "../agent/agent-answer.js";
import type { AnswerLog } from "../answers/answer-log.js";
import type { MemorySettings } from "./chat-memory.js";
import type { LiveAnswers } from "../answers/live-answers.js";

export interface AnswerSettings {
  /** How long a replica's claim on an answer it writes lasts without renewal; past it the answer counts as abandoned. */
  leaseMs: number;
  /** How often a follower on another replica looks for new events. */
  pollMs: number;
  /** How long a question the agent asked waits for the user's reply. */
  questionTtlMs: number;
}

/** What the chat use cases work with: the agent's needs, the store, the answers' log and the live ones. */
export interface ChatDeps extends AgentDeps {
  store: DocumentStore;
  log: AnswerLog;
  live: LiveAnswers;
  answers: AnswerSettings;
  memory: MemorySettings;
  logger: Logger;
  /**
   * Runs work that outlives the call starting it (an answer keeps going when its client goes
   * away): it still acts for the same user, but not within the call's deadline.
   */
  outliveCall<T>(work: () => Promise<T>): Promise<T>;
}
