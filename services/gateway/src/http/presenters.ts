import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { AnswerEvent, Approval, Chat, ChatMessage, Citation } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import type { SourceReference, SourceSpec } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
import { IngestionMode, IngestionRunStatus, type IngestionRun, type Project, type Source } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import type { SearchHit } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";

/** Protobuf messages → the JSON the public API documents (plain names, lowercase enums, ISO times). */

const iso = (timestamp: Timestamp | undefined) => (timestamp ? timestampDate(timestamp).toISOString() : null);

export const projectJson = (project: Project) => ({
  id: project.id,
  name: project.name,
  description: project.description,
  createdAt: iso(project.createTime),
  updatedAt: iso(project.updateTime),
});

/** A source's type and settings, side by side as a source is created (an empty branch is the remote's default: null). */
function specJson(spec: SourceSpec | undefined) {
  const config = JSON.parse(spec?.configJson || "{}") as Record<string, unknown>;
  return { type: spec?.type || "unknown", ...config, ...(config.branch === "" ? { branch: null } : {}) };
}

export const sourceJson = (source: Source) => ({
  id: source.id,
  projectId: source.projectId,
  name: source.name,
  ...specJson(source.spec),
  hasCredentials: source.hasCredentials,
  hasWebhookSecret: source.hasWebhookSecret,
  webhookUrl: source.hasWebhookSecret ? `/v1/webhooks/${source.id}` : null,
  syncEvery: source.syncEverySeconds ? durationText(source.syncEverySeconds) : null,
  createdAt: iso(source.createTime),
});

/** Seconds as the largest whole unit: 5400 → "90m", 86400 → "1d". */
function durationText(seconds: number): string {
  for (const [unit, size] of [["d", 86_400], ["h", 3600], ["m", 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

const runStatusNames: Record<IngestionRunStatus, string> = {
  [IngestionRunStatus.UNSPECIFIED]: "unknown",
  [IngestionRunStatus.QUEUED]: "queued",
  [IngestionRunStatus.RUNNING]: "running",
  [IngestionRunStatus.SUCCEEDED]: "succeeded",
  [IngestionRunStatus.FAILED]: "failed",
};

export const runJson = (run: IngestionRun) => ({
  id: run.id,
  projectId: run.projectId,
  sourceIds: run.sourceIds,
  mode: run.mode === IngestionMode.FULL ? "full" : "incremental",
  trigger: run.trigger || "user",
  status: runStatusNames[run.status],
  counts: {
    discovered: run.counts?.discovered ?? 0,
    indexed: run.counts?.indexed ?? 0,
    unchanged: run.counts?.unchanged ?? 0,
    deleted: run.counts?.deleted ?? 0,
    skipped: run.counts?.skipped ?? 0,
    failed: run.counts?.failed ?? 0,
    indexedByKind: { ...run.counts?.indexedByKind },
  },
  progress: { batches: run.batchCount, batchesDone: run.batchesCompleted },
  // Shown while the wait lasts: a run waiting out a rate limit is not stuck.
  waiting:
    run.status === IngestionRunStatus.RUNNING && run.waitingUntil && timestampDate(run.waitingUntil).getTime() > Date.now()
      ? { until: iso(run.waitingUntil), reason: run.waitingReason }
      : null,
  errors: run.errors.map((error) => ({ sourceId: error.sourceId, path: error.path || null, message: error.message })),
  createdAt: iso(run.createTime),
  startedAt: iso(run.startTime),
  finishedAt: iso(run.endTime),
});

export const referenceJson = (reference: SourceReference | undefined) => ({
  sourceId: reference?.sourceId ?? "",
  path: reference?.path ?? "",
  startLine: reference?.startLine ?? 0,
  endLine: reference?.endLine ?? 0,
  commit: reference?.commit || null,
  title: reference?.title || null,
  url: reference?.url || null,
  symbol: reference?.symbol || null,
  symbolKind: reference?.symbolKind || null,
  language: reference?.language || null,
});

export const hitJson = (hit: SearchHit) => ({ chunkId: hit.chunkId, score: hit.score, text: hit.text, ...referenceJson(hit.reference) });

export const citationJson = (citation: Citation) => ({ index: citation.index, ...referenceJson(citation.reference), snippet: citation.snippet });

export const chatJson = (chat: Chat) => ({
  id: chat.id,
  projectId: chat.projectId,
  title: chat.title,
  summary: chat.summary || null,
  toolPolicies: chat.toolPolicies.map(({ pattern, policy }) => ({ pattern, policy })),
  createdAt: iso(chat.createTime),
  updatedAt: iso(chat.updateTime),
});

/** A tool call an answer waits (or waited) for the chat owner to decide; arguments as JSON objects. */
export const approvalJson = (approval: Approval) => ({
  id: approval.id,
  callId: approval.callId,
  tool: approval.tool,
  arguments: parsedArguments(approval.argumentsJson),
  reason: approval.reason,
  expiresAt: iso(approval.expireTime),
  decision: approval.decision,
  decidedBy: approval.decidedBy || null,
  decidedAt: iso(approval.decideTime),
  approvedArguments: approval.approvedArgumentsJson ? parsedArguments(approval.approvedArgumentsJson) : null,
});

/** A model's arguments are JSON it wrote; shown as the object when they parse, else as the text. */
function parsedArguments(argumentsJson: string): unknown {
  try {
    return JSON.parse(argumentsJson);
  } catch {
    return argumentsJson;
  }
}

export const chatMessageJson = (message: ChatMessage) => ({
  id: message.id,
  chatId: message.chatId,
  role: message.role,
  content: message.content,
  status: message.status,
  replyTo: message.replyTo || null,
  version: message.version,
  citations: message.citations.map(citationJson),
  provider: message.provider || null,
  usage: { promptTokens: message.usage?.promptTokens ?? 0, completionTokens: message.usage?.completionTokens ?? 0 },
  question: message.question ? { text: message.question.text, choices: message.question.choices, expiresAt: iso(message.question.expireTime) } : null,
  approvals: message.approvals.map(approvalJson),
  error: message.errorCode ? { code: message.errorCode, reason: message.errorReason } : null,
  createdAt: iso(message.createTime),
  completedAt: iso(message.completeTime),
});

/** One event of an answer as every client sees it (SSE and WebSocket alike): its number, its type, its data. */
export function answerEventJson(event: AnswerEvent): { seq: number; type: string; data: unknown } {
  const { seq } = event;
  const { case: kind, value } = event.event;
  switch (kind) {
    case "messageStarted":
      return { seq, type: "message.started", data: { messageId: value.messageId, chatId: value.chatId, replyTo: value.replyTo, version: value.version } };
    case "token":
      return { seq, type: "token", data: { text: value } };
    case "toolStarted":
      return { seq, type: "tool.started", data: { callId: value.callId, tool: value.tool, arguments: value.argumentsJson } };
    case "toolFinished":
      return { seq, type: "tool.finished", data: { callId: value.callId, failed: value.failed, summary: value.summary, references: value.references.map(referenceJson), durationMs: value.durationMs } };
    case "citations":
      return { seq, type: "citations", data: { citations: value.citations.map(citationJson) } };
    case "question":
      return { seq, type: "question", data: { text: value.text, choices: value.choices, expiresAt: iso(value.expireTime) } };
    case "messageCompleted":
      return { seq, type: "message.completed", data: { message: chatMessageJson(value) } };
    case "error":
      return { seq, type: "error", data: { code: value.code, reason: value.reason } };
    case "approvalRequested":
      return { seq, type: "approval.requested", data: approvalJson(value) };
    case "approvalDecided":
      return { seq, type: "approval.decided", data: approvalJson(value) };
    default:
      return { seq, type: "unknown", data: {} };
  }
}
