import { encodeEvent, topics } from "@qamesh/events";
import { isAppError } from "@qamesh/errors";
import type { RequestedSource } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import { IngestionItem_Action } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import { IngestionMode } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import type { SourceChanges, SourceSnapshot } from "@qamesh/connectors";
import { readerForSpec } from "../sources/reader-for-spec.js";
import { indexedFilesCollection, type IndexedFileRecord } from "./indexed-files.js";
import { isSourceRemoved, sourceRemovedReason } from "./removed-sources.js";
import type { WorkerDeps } from "./worker-deps.js";

interface DiscoveryInput {
  runId: string;
  projectId: string;
  mode: IngestionMode;
  source: RequestedSource;
  requestId: string;
}

/**
 * Finds what a run of a source has to do, and publishes the work as batches plus one
 * `discovered` progress event. An incremental run of a source whose index reflects a known
 * commit diffs from it (a push touches only what changed); otherwise the whole source is listed
 * against what is indexed. Event ids derive from the run, so a
 * redelivered request publishes nothing new.
 */
export async function discoverSource(deps: WorkerDeps, input: DiscoveryInput): Promise<void> {
  const { runId, projectId, source } = input;
  const sourceId = source.sourceId;
  const progressKey = runId;
  const eventIds = (suffix: string) => `${runId}:${sourceId}:${suffix}`;
  const reportFailed = (message: string) =>
    deps.bus.publish([
      encodeEvent(
        topics.ingestionProgress,
        { runId, projectId, sourceId, step: { case: "sourceFailed", value: { message } } },
        { id: eventIds("failed"), key: progressKey, requestId: input.requestId },
      ),
    ]);
  if (await isSourceRemoved(deps.store, projectId, sourceId)) return reportFailed(sourceRemovedReason);
  let work: DiscoveredWork;
  try {
    const reader = await readerForSpec(source.spec, deps.readers, { projectId, sourceId });
    const changes = input.mode !== IngestionMode.FULL && source.indexedCommit && reader.changesSince ? await reader.changesSince(source.indexedCommit) : undefined;
    work = changes ? workFromChanges(changes) : await workFromListing(deps, projectId, sourceId, input.mode, await reader.discover());
  } catch (error) {
    const message = isAppError(error) ? error.message : `could not read the source: ${error instanceof Error ? error.message : String(error)}`;
    deps.logger.warn({ runId, sourceId, err: error }, "source discovery failed");
    return reportFailed(message);
  }
  const { commit, items, discovered, unchanged, skipped } = work;

  const batches = [];
  for (let start = 0; start < items.length; start += deps.batchSize) {
    const batchIndex: number = batches.length;
    batches.push(
      encodeEvent(
        topics.ingestionBatch,
        { runId, projectId, sourceId, spec: source.spec, commit, batchIndex, items: items.slice(start, start + deps.batchSize) },
        // Keyed per batch so batches spread over partitions and workers.
        { id: eventIds(`batch-${batchIndex}`), key: `${runId}:${batchIndex}`, requestId: input.requestId },
      ),
    );
  }
  const discoveredEvent = encodeEvent(
    topics.ingestionProgress,
    {
      runId,
      projectId,
      sourceId,
      step: { case: "discovered", value: { discovered, unchanged, skipped, batchCount: batches.length, commit } },
    },
    { id: eventIds("discovered"), key: progressKey, requestId: input.requestId },
  );
  await deps.bus.publish([...batches, discoveredEvent]);
  deps.logger.info({ runId, sourceId, files: discovered, work: items.length, unchanged, skipped, batches: batches.length, diffed: work.diffed }, "source discovered");
}

type WorkItem = { action: IngestionItem_Action; path: string; contentHash: string };

interface DiscoveredWork {
  commit: string;
  items: WorkItem[];
  /** Files found (in a diff: files changed or deleted). */
  discovered: number;
  unchanged: number;
  skipped: number;
  /** Whether the work came from a diff against the indexed commit rather than a listing. */
  diffed: boolean;
}

/** A diff from the commit the index reflects: exactly its files are the work. */
function workFromChanges(changes: SourceChanges): DiscoveredWork {
  const items = [
    ...changes.changed.map((file) => ({ action: IngestionItem_Action.INDEX, path: file.path, contentHash: file.contentHash })),
    ...changes.deleted.map((path) => ({ action: IngestionItem_Action.DELETE, path, contentHash: "" })),
  ];
  return { commit: changes.commit, items, discovered: items.length, unchanged: 0, skipped: 0, diffed: true };
}

/**
 * A listing of the whole source against what is indexed: new or changed files to index, vanished
 * files to delete; unchanged ones are only counted in incremental mode.
 */
async function workFromListing(deps: WorkerDeps, projectId: string, sourceId: string, mode: IngestionMode, snapshot: SourceSnapshot): Promise<DiscoveredWork> {
  const indexed = await deps.store.collection<IndexedFileRecord>(indexedFilesCollection).find({ projectId, sourceId });
  const previous = new Map(indexed.map((record) => [record.path, record.contentHash]));
  const seen = new Set<string>();
  const items: WorkItem[] = [];
  let unchanged = 0;
  let skipped = 0;
  for (const file of snapshot.files) {
    if (file.size > deps.readers.maxFileBytes) {
      skipped++;
      continue;
    }
    seen.add(file.path);
    if (mode !== IngestionMode.FULL && previous.get(file.path) === file.contentHash) unchanged++;
    else items.push({ action: IngestionItem_Action.INDEX, path: file.path, contentHash: file.contentHash });
  }
  for (const path of previous.keys()) {
    if (!seen.has(path)) items.push({ action: IngestionItem_Action.DELETE, path, contentHash: "" });
  }
  return { commit: snapshot.commit, items, discovered: snapshot.files.length, unchanged, skipped, diffed: false };
}
