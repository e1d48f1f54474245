import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { failedPrecondition, notFound } from "@qamesh/errors";
import { encodeEvent, topics } from "@qamesh/events";
import { addToOutbox } from "@qamesh/outbox";
import type { DocumentStore } from "@qamesh/ports";
import { IngestionMode } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import { randomUUID } from "node:crypto";
import { findPage, type Page, type PageRequest } from "@qamesh/pagination";
import type { ProjectUseCases } from "./project-use-cases.js";
import { collections, type RunMode, type RunRecord, type SourceRecord } from "./records.js";
import type { SourceUseCases } from "./source-use-cases.js";

export interface RunUseCasesDeps {
  store: DocumentStore;
  projects: ProjectUseCases;
  sources: SourceUseCases;
  clock: () => Date;
  onEventsCommitted: () => void;
}

export const emptyCounts = () => ({ discovered: 0, indexed: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 });

export function ingestionRunUseCases({ store, projects, sources, clock, onEventsCommitted }: RunUseCasesDeps) {
  const runs = store.collection<RunRecord>(collections.runs);

  return {
    /**
     * Creates the run and its `ingestion.requested` event in one transaction and returns at
     * once; workers do the rest.
     */
    async start(principal: CallPrincipal, input: { projectId: string; sourceId: string; mode: RunMode }, requestId: string): Promise<RunRecord> {
      authorizeProject(principal, input.projectId, "ingestions.start");
      await projects.existing(input.projectId);
      const targets: SourceRecord[] = input.sourceId
        ? [await sources.existing(input.projectId, input.sourceId)]
        : await sources.all(input.projectId);
      if (targets.length === 0) throw failedPrecondition(`project ${input.projectId} has no sources to ingest`);
      const run: RunRecord = {
        id: randomUUID(),
        projectId: input.projectId,
        sourceIds: targets.map((source) => source.id),
        mode: input.mode,
        status: "queued",
        counts: emptyCounts(),
        errors: [],
        sources: Object.fromEntries(targets.map((source) => [source.id, { discovered: false, failed: false, batchCount: 0, batchesCompleted: 0 }])),
        createTime: clock().toISOString(),
        startTime: null,
        endTime: null,
      };
      const event = encodeEvent(
        topics.ingestionRequested,
        {
          runId: run.id,
          projectId: run.projectId,
          mode: run.mode === "full" ? IngestionMode.FULL : IngestionMode.INCREMENTAL,
          sources: targets.map((source) => ({ sourceId: source.id, spec: sources.specForWorkers(source) })),
        },
        { id: `${run.id}:requested`, key: run.projectId, requestId },
      );
      await store.transaction(async (tx) => {
        await tx.collection<RunRecord>(collections.runs).insert(run);
        await addToOutbox(tx, run.projectId, event);
      });
      onEventsCommitted();
      return run;
    },

    /** A page of the project's runs, newest first. */
    async list(principal: CallPrincipal, projectId: string, page: PageRequest): Promise<Page<RunRecord>> {
      authorizeProject(principal, projectId, "ingestions.read");
      await projects.existing(projectId);
      return findPage(runs, { projectId }, { field: "createTime", direction: "desc" }, page);
    },

    async get(principal: CallPrincipal, projectId: string, runId: string): Promise<RunRecord> {
      authorizeProject(principal, projectId, "ingestions.read");
      await projects.existing(projectId);
      const run = await runs.get(projectId, runId);
      if (!run) throw notFound(`ingestion run ${runId} not found in project ${projectId}`);
      return run;
    },
  };
}

export type IngestionRunUseCases = ReturnType<typeof ingestionRunUseCases>;
