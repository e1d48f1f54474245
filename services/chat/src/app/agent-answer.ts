import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { toAppError } from "@qamesh/errors";
import type { CallSignal, LlmMessage, LlmTool, Passage, ProjectModels, ProjectTools, ToolCall } from "@qamesh/ports";
import { CitationSchema, type AskEventSchema } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import { SourceReferenceSchema } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
import { citedPassageNumbers } from "./cited-passages.js";
import type { ToolArguments } from "./tool-arguments.js";

type AskEventInit = MessageInitShape<typeof AskEventSchema>;

export interface AgentSettings {
  /** Model turns per answer; the last one must answer without tools. */
  maxSteps: number;
  /** How long one tool call may take before the model is told it timed out. */
  toolTimeoutMs: number;
}

export interface AgentDeps {
  models: ProjectModels;
  tools: ProjectTools;
  toolArguments: ToolArguments;
  settings: AgentSettings;
}

/** Bounds on what goes back and forth: calls run per turn, a model's arguments, and what one call returns to it. */
const maxCallsPerTurn = 8;
const maxArgumentChars = 8_000;
const maxToolMessageChars = 16_000;
const summaryChars = 300;

const instructions =
  "You answer questions about a software project. Use the tools to look things up in the project's code, tickets and docs before you answer. " +
  "Tool results number the passages they return, like [3]; cite every claim with those numbers in square brackets. " +
  "If the tools do not turn up the answer, say so.";

/**
 * The agent: the model answers the question, calling the project's tools as it sees fit. Each
 * step streams the model's text and runs the calls it makes (in parallel, each with a timeout,
 * arguments checked against the tool's schema, an identical call answered from the first one);
 * the last step must answer without tools. Passages the tools return are numbered across the
 * answer, and only markers naming one of them become citations.
 */
export async function* agentAnswer(deps: AgentDeps, input: { projectId: string; question: string; provider: string }, call: CallSignal): AsyncIterable<AskEventInit> {
  const { projectId } = input;
  const tools = await deps.tools.list(projectId, call);
  const passages: Passage[] = [];
  const earlierCalls = new Map<string, string>();
  const messages: LlmMessage[] = [
    { role: "system", content: instructions },
    { role: "user", content: input.question },
  ];
  let answer = "";
  for (let step = 1; step <= deps.settings.maxSteps; step++) {
    const lastStep = step === deps.settings.maxSteps;
    let text = "";
    const calls: ToolCall[] = [];
    for await (const event of deps.models.complete(projectId, { messages, documents: [], ...(lastStep ? {} : { tools }) }, call)) {
      if (event.type === "text") {
        text += event.text;
        yield { event: { case: "token", value: event.text } };
      } else if (event.type === "tool_call") calls.push(event.call);
    }
    // The answer is everything the user saw written, across steps.
    answer += text;
    if (calls.length === 0 || lastStep) break;
    messages.push({ role: "assistant", content: text, toolCalls: calls });
    for (const toolCall of calls) yield { event: { case: "toolStarted", value: { callId: toolCall.id, tool: toolCall.name, argumentsJson: toolCall.argumentsJson.slice(0, maxArgumentChars) } } };
    // A model asking for more calls at once than are run gets the rest back as errors.
    const results = await Promise.all(
      calls.map((toolCall, index) =>
        index < maxCallsPerTurn
          ? runCall(deps, projectId, tools, toolCall, earlierCalls, call)
          : Promise.resolve({ resultJson: "", passages: [], error: `not run: at most ${maxCallsPerTurn} calls are run per turn` }),
      ),
    );
    for (const [index, toolCall] of calls.entries()) {
      const result = results[index]!;
      const numbered = numberPassages(passages, fitting(result.passages));
      const content = toolMessage(result, numbered);
      messages.push({ role: "tool", toolCallId: toolCall.id, toolName: toolCall.name, content });
      yield {
        event: {
          case: "toolFinished",
          value: { callId: toolCall.id, failed: result.error !== undefined, summary: (result.error ?? content).slice(0, summaryChars), references: numbered.map(({ passage }) => passage.reference) },
        },
      };
    }
  }
  const cited = citedPassageNumbers(answer, passages.length);
  const citations = cited.map((number) => {
    const passage = passages[number - 1]!;
    return create(CitationSchema, { index: number, snippet: passage.text, reference: create(SourceReferenceSchema, passage.reference) });
  });
  yield { event: { case: "citations", value: { citations } } };
  yield { event: { case: "done", value: { answer: withoutUnknownMarkers(answer, passages.length), citations, provider: input.provider } } };
}

interface CallResult {
  resultJson: string;
  passages: Passage[];
  /** Why the call did not run or failed; what the model is told instead of a result. */
  error?: string;
}

async function runCall(deps: AgentDeps, projectId: string, tools: readonly LlmTool[], toolCall: ToolCall, earlierCalls: Map<string, string>, call: CallSignal): Promise<CallResult> {
  const failed = (error: string): CallResult => ({ resultJson: "", passages: [], error });
  const tool = tools.find((candidate) => candidate.name === toolCall.name);
  if (!tool) return failed(`there is no tool named "${toolCall.name}"; the tools are ${tools.map((candidate) => candidate.name).join(", ")}`);
  if (toolCall.argumentsJson.length > maxArgumentChars) return failed(`the arguments are longer than ${maxArgumentChars} characters`);
  const problem = deps.toolArguments.problem(tool, toolCall.argumentsJson);
  if (problem) return failed(`invalid arguments: ${problem}`);
  // A call repeated within one answer is not run again: the model is reminded it has the result.
  const key = `${toolCall.name}\n${JSON.stringify(JSON.parse(toolCall.argumentsJson))}`;
  const earlier = earlierCalls.get(key);
  if (earlier !== undefined) return { resultJson: JSON.stringify({ note: `same call as ${earlier}, whose result you have` }), passages: [] };
  earlierCalls.set(key, toolCall.id);
  const signal = call.signal ? AbortSignal.any([call.signal, AbortSignal.timeout(deps.settings.toolTimeoutMs)]) : AbortSignal.timeout(deps.settings.toolTimeoutMs);
  try {
    return await deps.tools.invoke(projectId, toolCall.name, toolCall.argumentsJson, { signal });
  } catch (error) {
    if (call.signal?.aborted) throw error;
    if (signal.aborted) return failed(`the tool did not answer within ${deps.settings.toolTimeoutMs / 1000} s`);
    return failed(toAppError(error).message);
  }
}

/** Gives each new passage the next number of this answer; one already given keeps its number. */
function numberPassages(all: Passage[], found: readonly Passage[]): { number: number; passage: Passage }[] {
  const same = (a: Passage, b: Passage) => JSON.stringify(a.reference) === JSON.stringify(b.reference);
  return found.map((passage) => {
    const known = all.findIndex((candidate) => same(candidate, passage));
    if (known >= 0) return { number: known + 1, passage };
    all.push(passage);
    return { number: all.length, passage };
  });
}

/** The passages of one call that fit in what the model reads of it (only those get numbers). */
function fitting(found: readonly Passage[]): Passage[] {
  let budget = maxToolMessageChars / 2;
  const kept: Passage[] = [];
  for (const passage of found) {
    budget -= passage.text.length + passage.reference.path.length + 32;
    if (budget < 0) break;
    kept.push(passage);
  }
  return kept;
}

/** What the model reads of a call: its error, or its numbered passages and result, bounded. */
function toolMessage(result: CallResult, numbered: { number: number; passage: Passage }[]): string {
  if (result.error !== undefined) return `error: ${result.error}`;
  const blocks = numbered.map(({ number, passage }) => `[${number}] ${passage.reference.path}:${passage.reference.startLine}-${passage.reference.endLine}\n${passage.text}\n\n`);
  return `${blocks.join("")}result: ${result.resultJson}`.slice(0, maxToolMessageChars);
}

/** Markers naming no passage of this answer are taken out, so nobody looks for a source that is not there. */
function withoutUnknownMarkers(answer: string, passageCount: number): string {
  return answer.replace(/\[(\d{1,3})\]/g, (marker, digits: string) => (Number(digits) >= 1 && Number(digits) <= passageCount ? marker : ""));
}
