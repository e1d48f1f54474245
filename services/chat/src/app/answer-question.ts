import { create } from "@bufbuild/protobuf";
import { invalidArgument } from "@qamesh/errors";
import { textLimits } from "@qamesh/limits";
import type { CallOptions, ServiceClient } from "@qamesh/grpc";
import { CitationSchema, type AskEventSchema, type Citation } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import type { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import type { ToolRuntimeService } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { citedPassageNumbers } from "./cited-passages.js";

const passagesPerAnswer = 6;

export interface AnswerDeps {
  toolRuntime: ServiceClient<typeof ToolRuntimeService>;
  llmProfiles: ServiceClient<typeof LlmProfilesService>;
}

type AskEventInit = MessageInitShape<typeof AskEventSchema>;

/**
 * Retrieve, then generate: the project's closest passages are numbered and handed to the
 * model, whose answer streams out token by token. Citations go out first (retrieval is done
 * by then); the final event carries the passages the answer actually cited, in the order it
 * cited them, or every retrieved passage when it cited none.
 */
export async function* answerQuestion(
  deps: AnswerDeps,
  input: { projectId: string; question: string },
  call: CallOptions,
): AsyncIterable<AskEventInit> {
  if (!input.projectId) throw invalidArgument("projectId", "projectId is required");
  const question = input.question.trim();
  if (!question) throw invalidArgument("question", "question must not be empty");
  if (question.length > textLimits.question) throw invalidArgument("question", `question must be at most ${textLimits.question} characters`);

  const [{ hits }, profile] = await Promise.all([
    deps.toolRuntime.search({ projectId: input.projectId, query: question, k: passagesPerAnswer }, call),
    deps.llmProfiles.resolveProfile({ projectId: input.projectId }, call),
  ]);
  const candidates: Citation[] = hits.map((hit, index) =>
    create(CitationSchema, { index: index + 1, snippet: hit.text, ...(hit.reference ? { reference: hit.reference } : {}) }),
  );
  yield { event: { case: "citations", value: { citations: candidates } } };

  const documents = hits.map((hit) => ({
    title: hit.reference ? `${hit.reference.path}:${hit.reference.startLine}-${hit.reference.endLine}` : hit.chunkId,
    text: hit.text,
  }));
  let answer = "";
  for await (const chunk of deps.llmProfiles.complete(
    { projectId: input.projectId, messages: [{ role: "user", content: question }], documents },
    call,
  )) {
    answer += chunk.delta;
    yield { event: { case: "token", value: chunk.delta } };
  }

  const cited = citedPassageNumbers(answer, candidates.length);
  const citations = cited.length > 0 ? cited.map((number) => candidates[number - 1]!) : candidates;
  const provider = profile.provider === "extractive" ? "extractive" : `${profile.provider}:${profile.model}`;
  yield { event: { case: "done", value: { answer, citations, provider } } };
}
