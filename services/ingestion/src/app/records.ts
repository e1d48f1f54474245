import type { DocumentIndex, StoredDocument } from "@qamesh/ports";

/** A project is its own scope: its projectId is its id. */
export interface ProjectRecord extends StoredDocument {
  name: string;
  description: string;
  createTime: string;
  updateTime: string;
}

/** A source's type and its settings side by side, as the API takes and shows them (the registry's schema for the type). */
export type SourceSpecRecord = { type: string } & Record<string, unknown>;

export interface SourceRecord extends StoredDocument {
  name: string;
  spec: SourceSpecRecord;
  /** The type's secrets as JSON, sealed for this source (`sourceCredentialsOwner`); absent without. */
  sealedSecrets?: string;
  /** Git credentials ({username, secret}) of a source stored before secrets were kept per type. */
  sealedCredentials?: string;
  /** Authenticates webhook deliveries, sealed for this source (`webhookSecretOwner`); absent: none are taken. */
  sealedWebhookSecret?: string;
  /** Polling schedule: brought up to date this often without being asked; absent: never. */
  syncEverySeconds?: number;
  /** True while it has a schedule: what the scheduler looks sources up by (filters are equalities). */
  syncScheduled?: boolean;
  /** The commit its index reflects in full: the last run of it without failures saw it. */
  indexedCommit?: string;
  /** Where the next listing of its tickets or pages changed since then starts (same rule). */
  documentsCursor?: string;
  /** The run a webhook or the schedule last started for it, and whether another was asked for meanwhile. */
  syncRunId?: string;
  syncPending?: boolean;
  createTime: string;
}

export type RunStatus = "queued" | "running" | "succeeded" | "failed";
export type RunMode = "full" | "incremental";
/** What started a run: someone asking, a webhook delivery, or a source's polling schedule. */
/** What started a run; `embedding-change`: the project's embedding model changed and its index is made again. */
export type RunTrigger = "user" | "webhook" | "schedule" | "embedding-change";

export interface RunCounts {
  discovered: number;
  indexed: number;
  unchanged: number;
  deleted: number;
  skipped: number;
  failed: number;
  /** What was indexed, by kind (files, issues, pullRequests, comments, pages...); absent on older runs. */
  indexedByKind?: Record<string, number>;
}

export interface RunItemError {
  sourceId: string;
  path: string;
  message: string;
}

/** What the run knows of one source's progress, to tell when the run is done. */
export interface RunSourceProgress {
  discovered: boolean;
  failed: boolean;
  batchCount: number;
  batchesCompleted: number;
  /** The commit discovery saw; "" for sources without history. */
  commit?: string;
  /** Where discovery says the next listing of changed documents starts. */
  documentsCursor?: string;
  /** Items of this source that failed. */
  failedItems?: number;
}

export interface RunRecord extends StoredDocument {
  sourceIds: string[];
  mode: RunMode;
  /** Absent on runs stored before triggers were kept: a user's. */
  trigger?: RunTrigger;
  status: RunStatus;
  counts: RunCounts;
  errors: RunItemError[];
  sources: Record<string, RunSourceProgress>;
  createTime: string;
  startTime: string | null;
  endTime: string | null;
  /** The last wait a reader reported (a provider's rate limit): until when, and why. */
  waitingUntil?: string;
  waitingReason?: string;
}

export const collections = {
  projects: "projects",
  sources: "sources",
  runs: "ingestion_runs",
} as const;

/** Secondary indexes of ingestion's collections; record ids are unique per project already. */
export const ingestionIndexes: readonly DocumentIndex[] = [
  { collection: collections.projects, fields: ["createTime"] },
  { collection: collections.sources, fields: ["projectId", "createTime"] },
  // A webhook names its source alone; the schedule looks for sources that have one.
  { collection: collections.sources, fields: ["id"] },
  { collection: collections.sources, fields: ["syncScheduled"] },
  // Run ids are what progress events and retried requests refer to: never two of one id.
  { collection: collections.runs, fields: ["projectId", "id"], unique: true },
  { collection: collections.runs, fields: ["projectId", "createTime"] },
  { collection: "source_keys", fields: ["projectId", "sourceId"] },
];
