import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { invalidArgument } from "@qamesh/errors";
import { textLimits } from "@qamesh/limits";
import type { CallSignal, LlmMessage } from "@qamesh/ports";
import type { AnswerEvent } from "../answers/answer-events.js";
import { agentAnswer, type AgentDeps } from "./agent-answer.js";
import type { CitationRecord } from "../sessions/chat-records.js";
import { providerName } from "./provider-name.js";

/** What a one-shot answer streams: the agent's events, then the answer with its citations. */
export type OneShotEvent = AnswerEvent | { type: "done"; answer: string; citations: CitationRecord[]; provider: string; usage: { promptTokens: number; completionTokens: number } };

/** A conversation a client kept itself; bounded like a chat's. */
const maxHistoryTurns = 100;
const historyRoles = new Set(["user", "assistant", "system"]);

/**
 * The stateless one-shot path (`POST /ask`, the OpenAI-compatible endpoint): the same agent as a
 * chat, with whatever history the client sends and nobody to ask back.
 */
export async function* answerQuestion(
  deps: AgentDeps,
  principal: CallPrincipal,
  input: { projectId: string; question: string; history?: readonly { role: string; content: string }[] },
  call: CallSignal,
): AsyncIterable<OneShotEvent> {
  if (!input.projectId) throw invalidArgument("projectId", "projectId is required");
  authorizeProject(principal, input.projectId, "ask");
  const question = input.question.trim();
  if (!question) throw invalidArgument("question", "question must not be empty");
  if (question.length > textLimits.question) throw invalidArgument("question", `question must be at most ${textLimits.question} characters`);

  const history = checkedHistory(input.history ?? []);

  const profile = await deps.models.describe(input.projectId, call);
  const provider = providerName(profile);
  const outcome = yield* agentAnswer(deps, { projectId: input.projectId, provider, callsTools: profile.callsTools, history, question, canAskUser: false }, call);
  // Without ask_user nothing pauses; the check keeps the types honest.
  if (outcome.kind !== "answered") throw new Error("a one-shot answer cannot pause");
  yield { type: "citations", citations: outcome.citations };
  yield { type: "done", answer: outcome.answer, citations: outcome.citations, provider, usage: outcome.usage };
}

function checkedHistory(turns: readonly { role: string; content: string }[]): LlmMessage[] {
  if (turns.length > maxHistoryTurns) throw invalidArgument("history", `history must have at most ${maxHistoryTurns} turns`);
  return turns.map((turn, index) => {
    if (!historyRoles.has(turn.role)) throw invalidArgument(`history.${index}.role`, "role must be user, assistant or system");
    if (turn.content.length > textLimits.message) throw invalidArgument(`history.${index}.content`, `content must be at most ${textLimits.message} characters`);
    return { role: turn.role as "user" | "assistant" | "system", content: turn.content };
  });
}
