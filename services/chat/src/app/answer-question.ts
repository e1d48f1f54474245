import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { invalidArgument } from "@qamesh/errors";
import { textLimits } from "@qamesh/limits";
import type { CallSignal, Retrieval } from "@qamesh/ports";
import { CitationSchema, type AskEventSchema, type Citation } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import { SourceReferenceSchema } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
import { agentAnswer, type AgentDeps } from "./agent-answer.js";
import { citedPassageNumbers } from "./cited-passages.js";

const passagesPerAnswer = 6;

/** The agent's needs, and retrieval for a model that cannot call tools. */
export interface AnswerDeps extends AgentDeps {
  retrieval: Retrieval;
}

type AskEventInit = MessageInitShape<typeof AskEventSchema>;

/**
 * A model that calls tools answers as an agent (agent-answer.ts). One that cannot (the offline
 * extractive answerer) retrieves, then generates: the project's closest passages are numbered
 * and handed to the model, whose answer streams out token by token. Citations go out first (retrieval is done
 * by then); the final event carries the passages the answer actually cited, in the order it
 * cited them, or every retrieved passage when it cited none.
 */
export async function* answerQuestion(
  deps: AnswerDeps,
  principal: CallPrincipal,
  input: { projectId: string; question: string },
  call: CallSignal,
): AsyncIterable<AskEventInit> {
  if (!input.projectId) throw invalidArgument("projectId", "projectId is required");
  authorizeProject(principal, input.projectId, "ask");
  const question = input.question.trim();
  if (!question) throw invalidArgument("question", "question must not be empty");
  if (question.length > textLimits.question) throw invalidArgument("question", `question must be at most ${textLimits.question} characters`);

  const profile = await deps.models.describe(input.projectId, call);
  const provider = profile.provider === "extractive" ? "extractive" : `${profile.provider}:${profile.model}`;
  if (profile.callsTools) {
    yield* agentAnswer(deps, { projectId: input.projectId, question, provider }, call);
    return;
  }
  const passages = await deps.retrieval.search(input.projectId, question, passagesPerAnswer, call);
  const candidates: Citation[] = passages.map((passage, index) =>
    create(CitationSchema, { index: index + 1, snippet: passage.text, reference: create(SourceReferenceSchema, passage.reference) }),
  );
  yield { event: { case: "citations", value: { citations: candidates } } };

  const documents = passages.map(({ reference, text }) => ({ title: `${reference.path}:${reference.startLine}-${reference.endLine}`, text }));
  let answer = "";
  for await (const event of deps.models.complete(input.projectId, { messages: [{ role: "user", content: question }], documents }, call)) {
    if (event.type !== "text") continue;
    answer += event.text;
    yield { event: { case: "token", value: event.text } };
  }

  const cited = citedPassageNumbers(answer, candidates.length);
  const citations = cited.length > 0 ? cited.map((number) => candidates[number - 1]!) : candidates;
  yield { event: { case: "done", value: { answer, citations, provider } } };
}
