import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { failedPrecondition, notFound } from "@qamesh/errors";
import { encodeEvent, topics } from "@qamesh/events";
import { addToOutbox } from "@qamesh/outbox";
import type { DocumentStore } from "@qamesh/ports";
import { create } from "@bufbuild/protobuf";
import { IngestionCountsSchema, IngestionMode, IngestionRunStatus } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import { randomUUID } from "node:crypto";
import { findPage, type Page, type PageRequest } from "@qamesh/pagination";
import type { ProjectUseCases } from "./project-use-cases.js";
import { collections, type RunMode, type RunRecord, type RunTrigger, type SourceRecord } from "./records.js";
import type { SourceUseCases } from "./source-use-cases.js";

export interface RunUseCasesDeps {
  store: DocumentStore;
  projects: ProjectUseCases;
  sources: SourceUseCases;
  clock: () => Date;
  onEventsCommitted: () => void;
}

export const isFinished = (run: RunRecord) => run.status === "succeeded" || run.status === "failed";

export const emptyCounts = () => ({ discovered: 0, indexed: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 });

export function ingestionRunUseCases({ store, projects, sources, clock, onEventsCommitted }: RunUseCasesDeps) {
  const runs = store.collection<RunRecord>(collections.runs);

  /**
   * Writes a run over `targets` and its `ingestion.requested` event with `tx` (whatever else the
   * caller writes lands with them or not at all); workers do the rest.
   */
  async function writeRun(
    tx: DocumentStore,
    projectId: string,
    targets: SourceRecord[],
    mode: RunMode,
    trigger: RunTrigger,
    requestId: string,
    documents: readonly string[] = [],
    runId: string = randomUUID(),
  ): Promise<RunRecord> {
    const run: RunRecord = {
      id: runId,
      projectId,
      sourceIds: targets.map((source) => source.id),
      mode,
      trigger,
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
        projectId,
        mode: mode === "full" ? IngestionMode.FULL : IngestionMode.INCREMENTAL,
        sources: targets.map((source) => ({
          sourceId: source.id,
          spec: sources.specForWorkers(source),
          indexedCommit: source.indexedCommit ?? "",
          documentsCursor: source.documentsCursor ?? "",
          documents: [...documents],
        })),
        // A new embedding model: the workers empty the project's index before reading its sources.
        resetIndex: trigger === "embedding-change",
      },
      { id: `${run.id}:requested`, key: projectId, requestId },
    );
    await tx.collection<RunRecord>(collections.runs).insert(run);
    await addToOutbox(tx, projectId, event);
    return run;
  }

  return {
    /** Creates the run and its `ingestion.requested` event in one transaction and returns at once. */
    async start(principal: CallPrincipal, input: { projectId: string; sourceId: string; mode: RunMode }, requestId: string): Promise<RunRecord> {
      authorizeProject(principal, input.projectId, "ingestions.start");
      await projects.existing(input.projectId);
      const targets: SourceRecord[] = input.sourceId
        ? [await sources.existing(input.projectId, input.sourceId)]
        : await sources.all(input.projectId);
      if (targets.length === 0) throw failedPrecondition(`project ${input.projectId} has no sources to ingest`);
      const run = await store.transaction((tx) => writeRun(tx, input.projectId, targets, input.mode, "user", requestId));
      onEventsCommitted();
      return run;
    },

    /**
     * The project's embedding model changed: every source is indexed again in full into an
     * emptied index (the vectors of the old model cannot be searched with the new one). A project
     * without sources has nothing to index: its run is written completed, and says so all the same.
     */
    async reindexForNewEmbedding(projectId: string, announcementId: string, requestId: string): Promise<RunRecord | undefined> {
      const project = await projects.existing(projectId).catch(() => undefined);
      if (!project) return undefined;
      const targets = await sources.all(projectId);
      // The run's id comes from the announcement's: a redelivery finds the run it started.
      const runId = `embedding-${announcementId}`;
      const existing = await runs.get(projectId, runId);
      if (existing) return existing;
      const run = await store.transaction(async (tx) => {
        if (targets.length > 0) return writeRun(tx, projectId, targets, "full", "embedding-change", requestId, [], runId);
        const now = clock().toISOString();
        const done: RunRecord = { id: runId, projectId, sourceIds: [], mode: "full", trigger: "embedding-change", status: "succeeded", counts: emptyCounts(), errors: [], sources: {}, createTime: now, startTime: now, endTime: now };
        await tx.collection<RunRecord>(collections.runs).insert(done);
        const completed = { runId: done.id, projectId, status: IngestionRunStatus.SUCCEEDED, counts: create(IngestionCountsSchema, done.counts), trigger: "embedding-change" };
        await addToOutbox(tx, projectId, encodeEvent(topics.ingestionCompleted, completed, { id: `${done.id}:completed`, key: projectId, requestId }));
        return done;
      });
      onEventsCommitted();
      return run;
    },

    /**
     * Brings one source up to date for a webhook or its schedule, with `tx`: an incremental run,
     * unless one such run of the source is still under way. Then the source is marked, and the
     * run that follows that one when it ends (runs of one source that overlap could write an
     * older version of a file after a newer one); that next run lists what changed, so it also
     * covers the `documents` a webhook named. The caller commits, then calls `onEventsCommitted`.
     */
    async sync(tx: DocumentStore, source: SourceRecord, trigger: RunTrigger, requestId: string, documents: readonly string[] = []): Promise<{ run: RunRecord; queued: boolean }> {
      const runsOf = tx.collection<RunRecord>(collections.runs);
      const active = source.syncRunId ? await runsOf.get(source.projectId, source.syncRunId) : undefined;
      const sourcesOf = tx.collection<SourceRecord>(collections.sources);
      if (active && !isFinished(active)) {
        if (!source.syncPending) await sourcesOf.put({ ...source, syncPending: true });
        return { run: active, queued: true };
      }
      const run = await writeRun(tx, source.projectId, [source], "incremental", trigger, requestId, documents);
      await sourcesOf.put({ ...source, syncRunId: run.id, syncPending: false });
      return { run, queued: false };
    },

    /**
     * A run that did nothing and failed saying why: how a change that is not applied blindly (a
     * deleted branch) reaches the project's admins, who read the runs.
     */
    async report(tx: DocumentStore, source: SourceRecord, trigger: RunTrigger, reason: string): Promise<RunRecord> {
      const now = clock().toISOString();
      const run: RunRecord = {
        id: randomUUID(),
        projectId: source.projectId,
        sourceIds: [source.id],
        mode: "incremental",
        trigger,
        status: "failed",
        counts: emptyCounts(),
        errors: [{ sourceId: source.id, path: "", message: reason }],
        sources: { [source.id]: { discovered: false, failed: true, batchCount: 0, batchesCompleted: 0 } },
        createTime: now,
        startTime: now,
        endTime: now,
      };
      await tx.collection<RunRecord>(collections.runs).insert(run);
      return run;
    },

    /**
     * After a run ended, with the transaction that ended it: each source it read without a
     * failure has its index at the commit discovery saw (the next run diffs from there), and a
     * source a webhook or its schedule marked meanwhile gets its next run.
     */
    async afterRunEnded(tx: DocumentStore, run: RunRecord, requestId: string): Promise<void> {
      const sourcesOf = tx.collection<SourceRecord>(collections.sources);
      for (const [sourceId, progress] of Object.entries(run.sources)) {
        const source = await sourcesOf.get(run.projectId, sourceId);
        if (!source) continue;
        const clean = progress.discovered && !progress.failed && !progress.failedItems;
        const updated: SourceRecord = {
          ...source,
          ...(clean && progress.commit ? { indexedCommit: progress.commit } : {}),
          ...(clean && progress.documentsCursor ? { documentsCursor: progress.documentsCursor } : {}),
        };
        if (source.syncRunId === run.id && source.syncPending) await this.sync(tx, updated, run.trigger ?? "webhook", requestId);
        else if (updated.indexedCommit !== source.indexedCommit || updated.documentsCursor !== source.documentsCursor) await sourcesOf.put(updated);
      }
    },

    /** A run, for the mesh's own bookkeeping. */
    getForService(tx: DocumentStore, projectId: string, runId: string): Promise<RunRecord | undefined> {
      return tx.collection<RunRecord>(collections.runs).get(projectId, runId);
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
