import { authorizeProject, principalName, type CallPrincipal } from "@qamesh/authorization";
import { invalidArgument } from "@qamesh/errors";
import { textLimits } from "@qamesh/limits";
import type { CallSignal, LlmMessage } from "@qamesh/ports";
import type { AnswerEvent } from "../answers/answer-events.js";
import { agentAnswer, finished } from "./agent-answer.js";
import { handOffNote, handOffToChat } from "../sessions/approval-hand-off.js";
import type { ChatDeps } from "../sessions/chat-deps.js";
import type { CitationRecord } from "../sessions/chat-records.js";
import { providerName } from "./provider-name.js";

/** What a one-shot answer streams: the agent's events, then the answer with its citations. */
export type OneShotEvent = AnswerEvent | { type: "done"; answer: string; citations: CitationRecord[]; provider: string; usage: { promptTokens: number; completionTokens: number } };

/** A conversation a client kept itself; bounded like a chat's. */
const maxHistoryTurns = 100;
const historyRoles = new Set(["user", "assistant", "system"]);

/**
 * The stateless one-shot path (`POST /ask`, the OpenAI-compatible endpoint): the same agent as a
 * chat, with whatever history the client sends and nobody to ask back. A call that needs the
 * user's approval does not run here: the answer is handed to a new chat, where it waits for the
 * decision, and the one-shot answer ends saying so and naming that chat.
 */
export async function* answerQuestion(
  deps: ChatDeps,
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
  const caller = { userId: principal.kind === "user" ? principal.userId : "", username: principalName(principal), chatId: "" };
  const outcome = yield* agentAnswer(deps, { projectId: input.projectId, provider, callsTools: profile.callsTools, history, question, canAskUser: false, chatRules: [], caller }, call);
  // Without ask_user no question pauses it; the check keeps the types honest.
  if (outcome.kind === "paused") throw new Error("a one-shot answer cannot ask the user");
  let answered = outcome.kind === "answered" ? outcome : finished(outcome.state);
  if (outcome.kind === "awaiting_approval") {
    const handedOff = await handOffToChat(deps, principal, { projectId: input.projectId, question, provider }, outcome);
    const note = handOffNote(outcome.approval.tool, input.projectId, handedOff);
    yield { type: "token", text: note };
    answered = { ...answered, answer: answered.answer + note };
  }
  yield { type: "citations", citations: answered.citations };
  yield { type: "done", answer: answered.answer, citations: answered.citations, provider: answered.writtenBy ?? provider, usage: answered.usage };
}

function checkedHistory(turns: readonly { role: string; content: string }[]): LlmMessage[] {
  if (turns.length > maxHistoryTurns) throw invalidArgument("history", `history must have at most ${maxHistoryTurns} turns`);
  return turns.map((turn, index) => {
    if (!historyRoles.has(turn.role)) throw invalidArgument(`history.${index}.role`, "role must be user, assistant or system");
    if (turn.content.length > textLimits.message) throw invalidArgument(`history.${index}.content`, `content must be at most ${textLimits.message} characters`);
    return { role: turn.role as "user" | "assistant" | "system", content: turn.content };
  });
}
