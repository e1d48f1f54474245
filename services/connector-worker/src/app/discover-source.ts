import { encodeEvent, topics } from "@qamesh/events";
import { isAppError } from "@qamesh/errors";
import type { RequestedSource } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import { IngestionItem_Action } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import { IngestionMode } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import type { DocumentListing, SourceChanges, SourceReader, SourceSnapshot } from "@qamesh/connectors";
import { readerForSpec } from "../sources/reader-for-spec.js";
import { waitingReporter } from "./waiting-reports.js";
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
    const reader = await readerForSpec(source.spec, deps.readers, { projectId, sourceId }, waitingReporter(deps, { runId, projectId, sourceId, requestId: input.requestId }));
    work = source.documents.length > 0 ? workForDocuments(source.documents) : await workOfRun(deps, reader, input);
  } catch (error) {
    const message = isAppError(error) ? error.message : `could not read the source: ${error instanceof Error ? error.message : String(error)}`;
    deps.logger.warn({ runId, sourceId, err: error }, "source discovery failed");
    return reportFailed(message);
  }
  const { commit, items, discovered, unchanged, skipped, documentsCursor } = work;

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
      step: { case: "discovered", value: { discovered, unchanged, skipped, batchCount: batches.length, commit, documentsCursor } },
    },
    { id: eventIds("discovered"), key: progressKey, requestId: input.requestId },
  );
  await deps.bus.publish([...batches, discoveredEvent]);
  deps.logger.info({ runId, sourceId, files: discovered, work: items.length, unchanged, skipped, batches: batches.length, diffed: work.diffed }, "source discovered");
}

type WorkItem = { action: IngestionItem_Action; path: string; contentHash: string; document: boolean };

interface DiscoveredWork {
  commit: string;
  items: WorkItem[];
  /** Files and documents found (in a diff: those changed or deleted). */
  discovered: number;
  unchanged: number;
  skipped: number;
  /** Where the next listing of changed documents starts; "" when none was listed. */
  documentsCursor: string;
  /** Whether the code's work came from a diff against the indexed commit rather than a listing. */
  diffed: boolean;
}

const indexItem = (path: string, contentHash: string, document = false): WorkItem => ({ action: IngestionItem_Action.INDEX, path, contentHash, document });
const deleteItem = (path: string, document = false): WorkItem => ({ action: IngestionItem_Action.DELETE, path, contentHash: "", document });

/** The documents a webhook named, read whatever their version (a batch removes one that is gone). */
function workForDocuments(paths: readonly string[]): DiscoveredWork {
  const items = paths.map((path) => indexItem(path, "", true));
  return { commit: "", items, discovered: items.length, unchanged: 0, skipped: 0, documentsCursor: "", diffed: false };
}

/**
 * The code's work (a diff from the commit the index reflects when the run is incremental and
 * the reader can tell, else a listing against what is indexed), then the documents' (those
 * changed since the cursor, or all of them).
 */
async function workOfRun(deps: WorkerDeps, reader: SourceReader, input: DiscoveryInput): Promise<DiscoveredWork> {
  const { projectId, source } = input;
  const incremental = input.mode !== IngestionMode.FULL;
  const indexed = await deps.store.collection<IndexedFileRecord>(indexedFilesCollection).find({ projectId, sourceId: source.sourceId });
  const changes = incremental && source.indexedCommit && reader.changesSince ? await reader.changesSince(source.indexedCommit) : undefined;
  const code = changes
    ? workFromChanges(changes)
    : workFromListing(
        indexed.filter((record) => !record.document),
        incremental,
        deps.readers.maxFileBytes,
        await reader.discover(),
      );
  if (!reader.listDocuments) return code;
  const listing = await reader.listDocuments(incremental ? source.documentsCursor || undefined : undefined);
  const documents = workFromDocuments(
    indexed.filter((record) => record.document),
    incremental,
    listing,
  );
  return {
    ...code,
    items: [...code.items, ...documents.items],
    discovered: code.discovered + documents.discovered,
    unchanged: code.unchanged + documents.unchanged,
    documentsCursor: listing.cursor,
  };
}

/** A diff from the commit the index reflects: exactly its files are the work. */
function workFromChanges(changes: SourceChanges): DiscoveredWork {
  const items = [...changes.changed.map((file) => indexItem(file.path, file.contentHash)), ...changes.deleted.map((path) => deleteItem(path))];
  return { commit: changes.commit, items, discovered: items.length, unchanged: 0, skipped: 0, documentsCursor: "", diffed: true };
}

/**
 * A listing of the whole source against what is indexed: new or changed files to index, vanished
 * files to delete; unchanged ones are only counted in incremental mode.
 */
function workFromListing(indexedFiles: IndexedFileRecord[], incremental: boolean, maxFileBytes: number, snapshot: SourceSnapshot): DiscoveredWork {
  const previous = new Map(indexedFiles.map((record) => [record.path, record.contentHash]));
  const seen = new Set<string>();
  const items: WorkItem[] = [];
  let unchanged = 0;
  let skipped = 0;
  for (const file of snapshot.files) {
    if (file.size > maxFileBytes) {
      skipped++;
      continue;
    }
    seen.add(file.path);
    if (incremental && previous.get(file.path) === file.contentHash) unchanged++;
    else items.push(indexItem(file.path, file.contentHash));
  }
  for (const path of previous.keys()) {
    if (!seen.has(path)) items.push(deleteItem(path));
  }
  return { commit: snapshot.commit, items, discovered: snapshot.files.length, unchanged, skipped, documentsCursor: "", diffed: false };
}

/**
 * Listed documents against what is indexed: new or changed versions to index (unchanged ones
 * only counted when incremental); when the listing is complete, indexed documents it no longer
 * holds were deleted or moved away upstream and go.
 */
function workFromDocuments(indexedDocuments: IndexedFileRecord[], incremental: boolean, listing: DocumentListing): { items: WorkItem[]; discovered: number; unchanged: number } {
  const previous = new Map(indexedDocuments.map((record) => [record.path, record.contentHash]));
  const items: WorkItem[] = [];
  let unchanged = 0;
  for (const document of listing.documents) {
    if (incremental && previous.get(document.path) === document.version) unchanged++;
    else items.push(indexItem(document.path, document.version, true));
  }
  if (listing.complete) {
    const listed = new Set(listing.documents.map((document) => document.path));
    for (const path of previous.keys()) if (!listed.has(path)) items.push(deleteItem(path, true));
  }
  return { items, discovered: listing.documents.length, unchanged };
}
