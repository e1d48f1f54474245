import type { CallSignal } from "./project-models.js";

/** A source as a tool describes it to a model: what it is and where its content comes from. */
export interface SourceSummary {
  id: string;
  name: string;
  type: string;
  /** The folder or repository URL (never with credentials). */
  location: string;
}

export interface RunSummary {
  id: string;
  status: string;
  mode: string;
  startedAt: string | null;
  finishedAt: string | null;
  indexed: number;
  failed: number;
}

/** What the ingestion service knows of a project's sources and runs, read for the caller. */
export interface ProjectSources {
  sources(projectId: string, options?: CallSignal): Promise<SourceSummary[]>;
  /** The latest runs, newest first. */
  recentRuns(projectId: string, limit: number, options?: CallSignal): Promise<RunSummary[]>;
}
