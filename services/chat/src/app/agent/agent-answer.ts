import { chatPolicy, type ChatToolRule } from "@qamesh/custom-tools";
import { toAppError } from "@qamesh/errors";
import type { AgentTool, CallApproval, CallSignal, LlmMessage, Passage, ProjectModels, ProjectTools, ToolCall } from "@qamesh/ports";
import { referenceLabel } from "@qamesh/ports";
import type { AnswerEvent } from "../answers/answer-events.js";
import type { CallAudit, CallCaller, SettledCall } from "../audit/call-audit.js";
import { askUserTool, questionOf } from "./ask-user-tool.js";
import type { AgentState, ApprovalRecord, CitationRecord, QuestionRecord } from "../sessions/chat-records.js";
import { citedPassageNumbers } from "./cited-passages.js";
import { approvalMessages, pendingApproval } from "./tool-approvals.js";
import type { ToolArguments } from "./tool-arguments.js";

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
  /** Where every call the agent settles is recorded for the project's audit log. */
  audit: CallAudit;
}

/** One answer to write: the project, its model, the conversation before it and the question. */
export interface AnswerInput {
  projectId: string;
  provider: string;
  /** Whether the model calls tools; one that cannot gets a search done for it first. */
  callsTools: boolean;
  /** Earlier turns of the chat as the model should see them (summary included); empty for a one-shot ask. */
  history: LlmMessage[];
  question: string;
  /** Whether the agent may ask the user (a chat can; a one-shot ask has nobody to answer). */
  canAskUser: boolean;
  /** The chat's own tool rules, tightening the project's policy for this answer (none for a one-shot ask). */
  chatRules: readonly ChatToolRule[];
  /** Whom the calls are made for, and in which chat: what their audit entries name. */
  caller: CallCaller;
}

/** What runs a turn's calls needs of the answer: its project, and whom the calls are for. */
type CallScope = Pick<AnswerInput, "projectId" | "caller">;

/** A tool as one answer may use it: the project's policy, tightened by the chat's rules (which the agent enforces itself). */
type AnswerTool = AgentTool & { tightenedByChat?: boolean };

type Usage = { promptTokens: number; completionTokens: number };

export type AgentOutcome =
  | { kind: "answered"; answer: string; citations: CitationRecord[]; usage: Usage; transcript: LlmMessage[]; writtenBy: string | undefined }
  | { kind: "paused"; question: QuestionRecord; state: AgentState }
  | { kind: "awaiting_approval"; approval: ApprovalRecord; state: AgentState };

/** Bounds on what goes back and forth: calls run per turn, a model's arguments, and what one call returns to it. */
const maxCallsPerTurn = 8;
const maxArgumentChars = 8_000;
const maxToolMessageChars = 16_000;
const summaryChars = 300;
/** Passages a model that cannot call tools is given. */
const passagesPerAnswer = 6;

const instructions =
  "You answer questions about a software project. Use the tools to look things up in the project's code, tickets and docs before you answer. " +
  "Tool results number the passages they return, like [3]; cite every claim with those numbers in square brackets. " +
  "If the tools do not turn up the answer, say so.";
const askingInstructions = " If the question is ambiguous, ask the user with ask_user instead of guessing.";

/**
 * The agent: the model answers the question, calling the project's tools as it sees fit. Each
 * step streams the model's text and runs the calls it makes (in parallel, each with a timeout,
 * arguments checked against the tool's schema, an identical call answered from the first one);
 * the last step must answer without tools. Passages the tools return are numbered across the
 * answer, and only markers naming one of them become citations. A model that cannot call tools
 * goes through the same steps with one search made for it. An ask_user call pauses the answer:
 * its state comes back to be stored and resumed with the user's reply. So does the first call of
 * a turn to a tool under an `ask` policy, until the chat's owner approves or denies it.
 */
export async function* agentAnswer(deps: AgentDeps, input: AnswerInput, call: CallSignal): AsyncGenerator<AnswerEvent, AgentOutcome> {
  if (!input.callsTools) return yield* retrieveThenAnswer(deps, input, call);
  const system = instructions + (input.canAskUser ? askingInstructions : "");
  const messages: LlmMessage[] = [{ role: "system", content: system }, ...input.history, { role: "user", content: input.question }];
  const state: AgentState = { messages, turnStart: messages.length - 1, passages: [], earlierCalls: [], step: 0, answer: "", usage: { promptTokens: 0, completionTokens: 0 }, questionCallId: "" };
  return yield* agentSteps(deps, input, state, call);
}

/** Continues a paused answer: the user's reply becomes the result of the question the agent asked. */
export async function* resumeAgent(deps: AgentDeps, input: AnswerInput, paused: AgentState, reply: string, call: CallSignal): AsyncGenerator<AnswerEvent, AgentOutcome> {
  const state: AgentState = { ...paused, messages: [...paused.messages, { role: "tool", toolCallId: paused.questionCallId, toolName: askUserTool.name, content: `The user answered: ${reply}` }] };
  return yield* agentSteps(deps, input, state, call);
}

/**
 * Continues an answer that waited for a decision on a call: approved, the call runs with the
 * arguments approved (and the approval, which the tool-runtime checks); denied, the model is told.
 */
export async function* resumeAfterDecision(
  deps: AgentDeps,
  input: AnswerInput,
  paused: AgentState,
  decided: ApprovalRecord,
  approval: CallApproval,
  call: CallSignal,
): AsyncGenerator<AnswerEvent, AgentOutcome> {
  const state: AgentState = { ...paused, messages: [...paused.messages] };
  if (decided.decision === "approved") {
    const earlierCalls = new Map(state.earlierCalls);
    const toolCall: ToolCall = { id: decided.callId, name: decided.tool, argumentsJson: decided.approvedArgumentsJson };
    yield* runCalls(deps, input, await deps.tools.list(input.projectId, call), [toolCall], state, earlierCalls, call, { approved: { toolCall, approval } });
    state.earlierCalls = [...earlierCalls];
  } else {
    state.messages.push({ role: "tool", toolCallId: decided.callId, toolName: decided.tool, content: approvalMessages.denied });
    const denied = { decision: "denied", decidedBy: decided.decidedBy, approvalId: decided.id, durationMs: 0, outcome: "not run", error: "" } as const;
    await deps.audit.called(input.projectId, input.caller, { tool: decided.qualifiedName ?? decided.tool, argumentsJson: decided.argumentsJson, ...denied });
  }
  return yield* agentSteps(deps, input, state, call);
}

async function* agentSteps(deps: AgentDeps, input: AnswerInput, state: AgentState, call: CallSignal): AsyncGenerator<AnswerEvent, AgentOutcome> {
  const { projectId } = input;
  const projectTools = (await deps.tools.list(projectId, call)).map((tool) => underChatRules(tool, input.chatRules));
  const tools: AnswerTool[] = input.canAskUser ? [...projectTools, { ...askUserTool, policy: "allow", qualifiedName: askUserTool.name }] : projectTools;
  const earlierCalls = new Map(state.earlierCalls);
  while (state.step < deps.settings.maxSteps) {
    state.step++;
    const lastStep = state.step === deps.settings.maxSteps;
    const turn = yield* modelTurn(deps, projectId, { messages: state.messages, documents: [], ...(lastStep ? {} : { tools: tools.map(modelFacing) }) }, state, call);
    // The answer is everything the user saw written, across steps.
    state.answer += turn.text;
    if (turn.calls.length === 0 || lastStep) {
      state.messages.push({ role: "assistant", content: turn.text });
      break;
    }
    state.messages.push({ role: "assistant", content: turn.text, toolCalls: turn.calls });
    const question = turn.calls.find((toolCall) => toolCall.name === askUserTool.name && questionOf(toolCall.argumentsJson) !== undefined);
    // A turn pauses once: for its question, else for the first call that needs approval (and can
    // run). A one-shot answer pauses too: its caller hands the call to a chat (approval-hand-off.ts).
    const waiting = question ? undefined : turn.calls.find((toolCall) => needsApproval(deps, tools, toolCall, earlierCalls));
    const toRun = turn.calls.filter((toolCall) => toolCall !== question && toolCall !== waiting);
    const unapproved = question ? approvalMessages.questionWaits : waiting ? approvalMessages.anotherWaits : undefined;
    yield* runCalls(deps, input, tools, toRun, state, earlierCalls, call, unapproved ? { unapproved } : {});
    if (question) {
      state.earlierCalls = [...earlierCalls];
      state.questionCallId = question.id;
      const asked = questionOf(question.argumentsJson)!;
      yield { type: "question", question: asked };
      return { kind: "paused", question: asked, state };
    }
    if (waiting) {
      state.earlierCalls = [...earlierCalls];
      const tool = tools.find((candidate) => candidate.name === waiting.name)!;
      const approval = pendingApproval(waiting, tool, tool.tightenedByChat ? "chat" : "project", input.caller);
      yield { type: "approval.requested", approval };
      return { kind: "awaiting_approval", approval, state };
    }
  }
  return finished(state);
}

function underChatRules(tool: AgentTool, rules: readonly ChatToolRule[]): AnswerTool {
  const policy = chatPolicy(tool.qualifiedName, tool.policy, rules);
  return policy === tool.policy ? tool : { ...tool, policy, tightenedByChat: true };
}

/** What the model is shown of a tool (its policy is the agent's business). */
const modelFacing = ({ name, description, parametersJsonSchema }: AgentTool) => ({ name, description, parametersJsonSchema });

/** A call the policy wants approved, worth asking about: it names a tool, its arguments are valid, and it was not made already. */
function needsApproval(deps: AgentDeps, tools: readonly AnswerTool[], toolCall: ToolCall, earlierCalls: ReadonlyMap<string, string>): boolean {
  const tool = tools.find((candidate) => candidate.name === toolCall.name);
  return tool?.policy === "ask" && callProblem(deps, tools, toolCall) === undefined && !earlierCalls.has(callKey(toolCall));
}

/** A model that cannot call tools: a search is made for it (seen by clients as a tool call), then it answers from the passages. */
async function* retrieveThenAnswer(deps: AgentDeps, input: AnswerInput, call: CallSignal): AsyncGenerator<AnswerEvent, AgentOutcome> {
  const messages: LlmMessage[] = [...input.history, { role: "user", content: input.question }];
  const state: AgentState = { messages, turnStart: messages.length - 1, passages: [], earlierCalls: [], step: 1, answer: "", usage: { promptTokens: 0, completionTokens: 0 }, questionCallId: "" };
  const search: ToolCall = { id: "search-1", name: "semantic_search", argumentsJson: JSON.stringify({ query: input.question, k: passagesPerAnswer }) };
  const tools = await deps.tools.list(input.projectId, call);
  yield* runCalls(deps, input, tools, [search], state, new Map(), call, {});
  // The model reads the passages as its numbered documents, so the tool message is not repeated.
  state.messages = messages;
  const documents = state.passages.map(({ reference, text }) => ({ title: referenceLabel(reference), text }));
  const turn = yield* modelTurn(deps, input.projectId, { messages, documents }, state, call);
  state.answer = turn.text;
  state.messages.push({ role: "assistant", content: turn.text });
  return finished(state);
}

async function* modelTurn(
  deps: AgentDeps,
  projectId: string,
  request: Parameters<ProjectModels["complete"]>[1],
  state: Pick<AgentState, "usage" | "writtenBy">,
  call: CallSignal,
): AsyncGenerator<AnswerEvent, { text: string; calls: ToolCall[] }> {
  const { usage } = state;
  let text = "";
  const calls: ToolCall[] = [];
  for await (const event of deps.models.complete(projectId, request, call)) {
    if (event.type === "text") {
      text += event.text;
      yield { type: "token", text: event.text };
    } else if (event.type === "tool_call") calls.push(event.call);
    // A fallback wrote this turn: the answer names the model that wrote it last.
    else if (event.type === "model") state.writtenBy = event.name;
    else {
      usage.promptTokens += event.promptTokens;
      usage.completionTokens += event.completionTokens;
    }
  }
  return { text, calls };
}

/** How the calls of a turn stand towards approval: why those needing it do not run, or the one approved call. */
type ApprovalContext = { unapproved?: string; approved?: { toolCall: ToolCall; approval: CallApproval } };

/** Runs one turn's calls in parallel and adds their results, numbered passages included, to the conversation. */
async function* runCalls(
  deps: AgentDeps,
  scope: CallScope,
  tools: readonly AnswerTool[],
  calls: readonly ToolCall[],
  state: AgentState,
  earlierCalls: Map<string, string>,
  call: CallSignal,
  approvals: ApprovalContext,
): AsyncGenerator<AnswerEvent> {
  for (const toolCall of calls) yield { type: "tool.started", callId: toolCall.id, tool: toolCall.name, arguments: toolCall.argumentsJson.slice(0, maxArgumentChars) };
  const started = performance.now();
  // A model asking for more calls at once than are run gets the rest back as errors.
  const results = await Promise.all(
    calls.map(async (toolCall, index) => {
      const result =
        index < maxCallsPerTurn
          ? await runCall(deps, scope, tools, toolCall, earlierCalls, call, approvals)
          : { resultJson: "", passages: [], error: `not run: at most ${maxCallsPerTurn} calls are run per turn` };
      return { ...result, durationMs: Math.round(performance.now() - started) };
    }),
  );
  for (const [index, toolCall] of calls.entries()) {
    const result = results[index]!;
    const numbered = numberPassages(state.passages, fitting(result.passages));
    const content = toolMessage(result, numbered);
    state.messages.push({ role: "tool", toolCallId: toolCall.id, toolName: toolCall.name, content });
    yield {
      type: "tool.finished",
      callId: toolCall.id,
      failed: result.error !== undefined,
      summary: (result.error ?? content).slice(0, summaryChars),
      references: numbered.map(({ passage }) => passage.reference),
      durationMs: result.durationMs,
    };
  }
}

/** The answer as written so far, its markers checked and its citations collected. */
export function finished(state: AgentState): AgentOutcome & { kind: "answered" } {
  const cited = citedPassageNumbers(state.answer, state.passages.length);
  const citations = cited.map((number) => {
    const passage = state.passages[number - 1]!;
    return { index: number, snippet: passage.text, reference: passage.reference };
  });
  return {
    kind: "answered",
    answer: withoutUnknownMarkers(state.answer, state.passages.length),
    citations,
    usage: state.usage,
    transcript: state.messages.slice(state.turnStart),
    writtenBy: state.writtenBy,
  };
}

interface CallResult {
  resultJson: string;
  passages: Passage[];
  /** Why the call did not run or failed; what the model is told instead of a result. */
  error?: string;
}

/** What makes a call impossible to run as made (told to the model), or undefined. */
function callProblem(deps: AgentDeps, tools: readonly AnswerTool[], toolCall: ToolCall): string | undefined {
  const tool = tools.find((candidate) => candidate.name === toolCall.name);
  if (!tool) return `there is no tool named "${toolCall.name}"; the tools are ${tools.map((candidate) => candidate.name).join(", ")}`;
  if (toolCall.argumentsJson.length > maxArgumentChars) return `the arguments are longer than ${maxArgumentChars} characters`;
  const problem = deps.toolArguments.problem(tool, toolCall.argumentsJson);
  return problem ? `invalid arguments: ${problem}` : undefined;
}

/** A call repeated within one answer is not run again: this is what makes two calls the same. */
const callKey = (toolCall: ToolCall) => `${toolCall.name}\n${JSON.stringify(JSON.parse(toolCall.argumentsJson))}`;

async function runCall(
  deps: AgentDeps,
  scope: CallScope,
  tools: readonly AnswerTool[],
  toolCall: ToolCall,
  earlierCalls: Map<string, string>,
  call: CallSignal,
  approvals: ApprovalContext,
): Promise<CallResult> {
  const failed = (error: string): CallResult => ({ resultJson: "", passages: [], error });
  const problem = callProblem(deps, tools, toolCall);
  if (problem) return failed(problem);
  // Only reached for a second question in one turn: the first one pauses the answer.
  if (toolCall.name === askUserTool.name) return failed("one question at a time: wait for the answer to the first");
  const key = callKey(toolCall);
  const earlier = earlierCalls.get(key);
  if (earlier !== undefined) return { resultJson: JSON.stringify({ note: `same call as ${earlier}, whose result you have` }), passages: [] };
  const tool = tools.find((candidate) => candidate.name === toolCall.name)!;
  const approved = approvals.approved?.toolCall === toolCall ? approvals.approved.approval : undefined;
  const settled = (how: Pick<SettledCall, "decision" | "decidedBy">, durationMs: number, result: CallResult) =>
    deps.audit.called(scope.projectId, scope.caller, {
      tool: tool.qualifiedName,
      argumentsJson: toolCall.argumentsJson,
      ...how,
      approvalId: approved?.approvalId ?? "",
      durationMs,
      outcome: result.error === undefined ? "succeeded" : how.decision === "denied" ? "not run" : "failed",
      error: how.decision === "denied" ? "" : (result.error ?? ""),
    });
  // The project's deny is tool-runtime's to enforce; the chat's own is the agent's.
  if (tool.policy === "deny" && tool.tightenedByChat) {
    const refused = failed(`this chat's own rules do not allow the tool ${toolCall.name}; do not call it again`);
    await settled({ decision: "denied", decidedBy: "chat rules" }, 0, refused);
    return refused;
  }
  if (tool.policy === "ask" && !approved) return failed(approvals.unapproved ?? approvalMessages.notAsked(toolCall.name));
  earlierCalls.set(key, toolCall.id);
  const how: Pick<SettledCall, "decision" | "decidedBy"> =
    tool.policy === "deny" ? { decision: "denied", decidedBy: "project policy" } : approved ? { decision: "approved", decidedBy: scope.caller.userId } : { decision: "allowed", decidedBy: "" };
  const signal = call.signal ? AbortSignal.any([call.signal, AbortSignal.timeout(deps.settings.toolTimeoutMs)]) : AbortSignal.timeout(deps.settings.toolTimeoutMs);
  const started = performance.now();
  let result: CallResult;
  try {
    result = await deps.tools.invoke(scope.projectId, toolCall.name, toolCall.argumentsJson, { signal, ...(approved ? { approval: approved } : {}) });
  } catch (error) {
    const stopped = call.signal?.aborted === true;
    result = failed(stopped ? "the answer was stopped" : signal.aborted ? `the tool did not answer within ${deps.settings.toolTimeoutMs / 1000} s` : toAppError(error).message);
    if (stopped) {
      await settled(how, Math.round(performance.now() - started), result);
      throw error;
    }
  }
  await settled(how, Math.round(performance.now() - started), result);
  return result;
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

/**
 * What the model reads of a call: its error, or its numbered passages and result, bounded. Each
 * passage's lines carry their numbers, so the model can point at (or open) exact lines.
 */
function toolMessage(result: CallResult, numbered: { number: number; passage: Passage }[]): string {
  if (result.error !== undefined) return `error: ${result.error}`;
  const blocks = numbered.map(({ number, passage }) => {
    const lines = passage.text.split("\n").map((line, index) => `${passage.reference.startLine + index}| ${line}`);
    return `[${number}] ${referenceLabel(passage.reference)}\n${lines.join("\n")}\n\n`;
  });
  return `${blocks.join("")}result: ${result.resultJson}`.slice(0, maxToolMessageChars);
}

/** Markers naming no passage of this answer are taken out, so nobody looks for a source that is not there. */
function withoutUnknownMarkers(answer: string, passageCount: number): string {
  return answer.replace(/\[(\d{1,3})\]/g, (marker, digits: string) => (Number(digits) >= 1 && Number(digits) <= passageCount ? marker : ""));
}
