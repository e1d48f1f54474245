import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  IngestionMode,
  IngestionRunSchema,
  IngestionRunStatus,
  ProjectSchema,
  SourceSchema,
  type IngestionRun,
  type Project,
  type Source,
} from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import type { ProjectRecord, RunMode, RunRecord, RunStatus, SourceRecord } from "../app/records.js";
import { sourceSpecMessage } from "../app/source-spec-message.js";
import { redactUrlCredentials, splitGitUrlCredentials } from "@qamesh/source-safety";

const timestamp = (iso: string | null) => (iso ? { ...timestampFromDate(new Date(iso)) } : undefined);
const optionalTimestamp = (key: string, iso: string | null) => (iso ? { [key]: timestamp(iso) } : {});

export function projectMessage(project: ProjectRecord): Project {
  return create(ProjectSchema, {
    id: project.id,
    name: project.name,
    description: project.description,
    ...optionalTimestamp("createTime", project.createTime),
    ...optionalTimestamp("updateTime", project.updateTime),
  });
}

/**
 * A source as callers see it: credentials are write-only, so only whether there are some. (A
 * source stored before credentials were kept apart may still hold them in its URL or its
 * default name; they are cut out here.)
 */
export function sourceMessage(source: SourceRecord): Source {
  const legacy = source.spec.type === "git" && typeof source.spec.url === "string" ? splitGitUrlCredentials(source.spec.url) : undefined;
  const spec = legacy ? { ...source.spec, url: legacy.url } : source.spec;
  return create(SourceSchema, {
    id: source.id,
    projectId: source.projectId,
    name: redactUrlCredentials(source.name),
    spec: sourceSpecMessage(spec),
    hasCredentials: source.sealedSecrets !== undefined || source.sealedCredentials !== undefined || legacy?.credentials !== undefined,
    hasWebhookSecret: source.sealedWebhookSecret !== undefined,
    syncEverySeconds: source.syncEverySeconds ?? 0,
    ...optionalTimestamp("createTime", source.createTime),
  });
}

const statusByName: Record<RunStatus, IngestionRunStatus> = {
  queued: IngestionRunStatus.QUEUED,
  running: IngestionRunStatus.RUNNING,
  succeeded: IngestionRunStatus.SUCCEEDED,
  failed: IngestionRunStatus.FAILED,
};

export const runStatusMessage = (status: RunStatus) => statusByName[status];

export function runModeRecord(mode: IngestionMode): RunMode {
  return mode === IngestionMode.FULL ? "full" : "incremental";
}

export function runMessage(run: RunRecord): IngestionRun {
  return create(IngestionRunSchema, {
    id: run.id,
    projectId: run.projectId,
    sourceIds: run.sourceIds,
    mode: run.mode === "full" ? IngestionMode.FULL : IngestionMode.INCREMENTAL,
    trigger: run.trigger ?? "user",
    status: statusByName[run.status],
    counts: { ...run.counts, indexedByKind: run.counts.indexedByKind ?? {} },
    batchCount: Object.values(run.sources).reduce((sum, source) => sum + source.batchCount, 0),
    batchesCompleted: Object.values(run.sources).reduce((sum, source) => sum + source.batchesCompleted, 0),
    ...optionalTimestamp("waitingUntil", run.waitingUntil ?? null),
    waitingReason: run.waitingReason ?? "",
    errors: run.errors,
    ...optionalTimestamp("createTime", run.createTime),
    ...optionalTimestamp("startTime", run.startTime),
    ...optionalTimestamp("endTime", run.endTime),
  });
}
