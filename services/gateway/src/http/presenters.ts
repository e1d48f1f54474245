import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { Citation } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
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

function specJson(spec: SourceSpec | undefined) {
  switch (spec?.kind.case) {
    case "local":
      return { type: "local" as const, path: spec.kind.value.path };
    case "git":
      return { type: "git" as const, url: spec.kind.value.url, branch: spec.kind.value.branch || null };
    default:
      return { type: "unknown" as const };
  }
}

export const sourceJson = (source: Source) => ({
  id: source.id,
  projectId: source.projectId,
  name: source.name,
  ...specJson(source.spec),
  hasCredentials: source.hasCredentials,
  createdAt: iso(source.createTime),
});

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
  status: runStatusNames[run.status],
  counts: {
    discovered: run.counts?.discovered ?? 0,
    indexed: run.counts?.indexed ?? 0,
    unchanged: run.counts?.unchanged ?? 0,
    deleted: run.counts?.deleted ?? 0,
    skipped: run.counts?.skipped ?? 0,
    failed: run.counts?.failed ?? 0,
  },
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
});

export const hitJson = (hit: SearchHit) => ({ chunkId: hit.chunkId, score: hit.score, text: hit.text, ...referenceJson(hit.reference) });

export const citationJson = (citation: Citation) => ({ index: citation.index, ...referenceJson(citation.reference), snippet: citation.snippet });
