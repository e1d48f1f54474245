import { encodeEvent, topics } from "@qamesh/events";
import { isAppError } from "@qamesh/errors";
import type { RequestedSource } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import { IngestionItem_Action } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import { IngestionMode } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
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
 * Lists a source, decides what needs work (new or changed files to index, vanished files to
 * delete; unchanged ones are only counted in incremental mode), and publishes the work as
 * batches plus one `discovered` progress event. Event ids derive from the run, so a
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
  let snapshot;
  try {
    snapshot = await (await readerForSpec(source.spec, deps.readers, { projectId, sourceId })).discover();
  } catch (error) {
    const message = isAppError(error) ? error.message : `could not read the source: ${error instanceof Error ? error.message : String(error)}`;
    deps.logger.warn({ runId, sourceId, err: error }, "source discovery failed");
    return reportFailed(message);
  }

  const indexed = await deps.store.collection<IndexedFileRecord>(indexedFilesCollection).find({ projectId, sourceId });
  const previous = new Map(indexed.map((record) => [record.path, record.contentHash]));
  const seen = new Set<string>();
  const items: { action: IngestionItem_Action; path: string; contentHash: string }[] = [];
  let unchanged = 0;
  let skipped = 0;
  for (const file of snapshot.files) {
    if (file.size > deps.readers.maxFileBytes) {
      skipped++;
      continue;
    }
    seen.add(file.path);
    if (input.mode !== IngestionMode.FULL && previous.get(file.path) === file.contentHash) unchanged++;
    else items.push({ action: IngestionItem_Action.INDEX, path: file.path, contentHash: file.contentHash });
  }
  for (const path of previous.keys()) {
    if (!seen.has(path)) items.push({ action: IngestionItem_Action.DELETE, path, contentHash: "" });
  }

  const batches = [];
  for (let start = 0; start < items.length; start += deps.batchSize) {
    const batchIndex: number = batches.length;
    batches.push(
      encodeEvent(
        topics.ingestionBatch,
        { runId, projectId, sourceId, spec: source.spec, commit: snapshot.commit, batchIndex, items: items.slice(start, start + deps.batchSize) },
        // Keyed per batch so batches spread over partitions and workers.
        { id: eventIds(`batch-${batchIndex}`), key: `${runId}:${batchIndex}`, requestId: input.requestId },
      ),
    );
  }
  const discovered = encodeEvent(
    topics.ingestionProgress,
    {
      runId,
      projectId,
      sourceId,
      step: { case: "discovered", value: { discovered: snapshot.files.length, unchanged, skipped, batchCount: batches.length, commit: snapshot.commit } },
    },
    { id: eventIds("discovered"), key: progressKey, requestId: input.requestId },
  );
  await deps.bus.publish([...batches, discovered]);
  deps.logger.info({ runId, sourceId, files: snapshot.files.length, work: items.length, unchanged, skipped, batches: batches.length }, "source discovered");
}
