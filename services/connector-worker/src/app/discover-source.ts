import { encodeEvent, topics } from "@qamesh/events";
import { isAppError } from "@qamesh/errors";
import type { RequestedSource } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import { IngestionItem_Action } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import { IngestionMode } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import { nextCursor, planListing, type DiscoveredDocument, type SourceChanges, type SourceReader, type SourceSnapshot } from "@qamesh/connectors";
import { readerForSpec } from "../sources/reader-for-spec.js";
import { discoveryCheckpointId, discoveryCheckpointsCollection, type DiscoveryCheckpoint, type WorkItem } from "./discovery-checkpoints.js";
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
 * Finds what a run of a source has to do and publishes it as batches, then one `discovered`
 * progress event. An incremental run of a source whose index reflects a known commit diffs from
 * it (a push touches only what changed); otherwise the whole source is listed against what is
 * indexed. Tickets and pages are listed a page at a time, their batches going out as the pages
 * come in, with a checkpoint after each: a worker that dies while listing resumes the listing.
 * Event ids derive from the run, so a redelivered request publishes nothing twice.
 */
export async function discoverSource(deps: WorkerDeps, input: DiscoveryInput): Promise<void> {
  const { runId, projectId, source } = input;
  const sourceId = source.sourceId;
  const eventIds = (suffix: string) => `${runId}:${sourceId}:${suffix}`;
  const checkpoints = deps.store.collection<DiscoveryCheckpoint>(discoveryCheckpointsCollection);
  const reportFailed = (message: string) =>
    deps.bus.publish([
      encodeEvent(
        topics.ingestionProgress,
        { runId, projectId, sourceId, step: { case: "sourceFailed", value: { message } } },
        { id: eventIds("failed"), key: runId, requestId: input.requestId },
      ),
    ]);
  if (await isSourceRemoved(deps.store, projectId, sourceId)) return reportFailed(sourceRemovedReason);
  let checkpoint = await checkpoints.get(projectId, discoveryCheckpointId(runId, sourceId));
  if (checkpoint?.done) return;

  /** Records the batches numbered so far, then publishes them: a worker that dies in between publishes the same ones when it resumes. */
  const saveAndPublish = async (work: DiscoveryCheckpoint, allPending = false) => {
    while (work.pending.length >= deps.batchSize || (allPending && work.pending.length > 0)) {
      work.unpublished.push({ batchIndex: work.batchCount++, items: work.pending.splice(0, deps.batchSize) });
    }
    await checkpoints.put(work);
    if (work.unpublished.length === 0) return;
    await deps.bus.publish(
      work.unpublished.map(({ batchIndex, items }) =>
        encodeEvent(
          topics.ingestionBatch,
          { runId, projectId, sourceId, spec: source.spec, commit: work.commit, batchIndex, items },
          // Keyed per batch so batches spread over partitions and workers.
          { id: eventIds(`batch-${batchIndex}`), key: `${runId}:${batchIndex}`, requestId: input.requestId },
        ),
      ),
    );
    work.unpublished = [];
  };

  let work: DiscoveryCheckpoint;
  try {
    const reader = await fromSource(() => readerForSpec(source.spec, deps.readers, { projectId, sourceId }, waitingReporter(deps, { runId, projectId, sourceId, requestId: input.requestId })));
    const indexed = await deps.store.collection<IndexedFileRecord>(indexedFilesCollection).find({ projectId, sourceId });
    if (checkpoint) {
      deps.logger.info({ runId, sourceId, batches: checkpoint.batchCount }, "resuming the discovery of a source");
    } else {
      // A source's finished discoveries of earlier runs are of no further use.
      await checkpoints.delete({ projectId, sourceId, done: true });
      checkpoint = await firstWork(deps, reader, input, indexed);
    }
    work = checkpoint;
    await saveAndPublish(work);
    if (work.listing) {
      const listing = work.listing;
      const incremental = input.mode !== IngestionMode.FULL;
      const indexedVersions = new Map(indexed.filter((record) => record.document).map((record) => [record.path, record.contentHash]));
      const listed = new Map(listing.listed);
      for await (const page of pagesFromSource(reader.listDocuments!(listing.plan.updatedAfter, listing.resumeFrom))) {
        addListedDocuments(work, listing, listed, page.documents, incremental ? indexedVersions : new Map());
        listing.listed = [...listed];
        listing.resumeFrom = page.resumeFrom;
        await saveAndPublish(work);
      }
      // A complete listing prunes: indexed documents it did not list were deleted or moved away upstream.
      if (listing.plan.complete) for (const path of indexedVersions.keys()) if (!listed.has(path)) work.pending.push(deleteItem(path, true));
    }
    await saveAndPublish(work, true);
  } catch (error) {
    // The bus or the store failing is not the source's fault: the event is tried again.
    if (!(error instanceof SourceUnreadable)) throw error;
    const cause = error.cause;
    const message = isAppError(cause) ? cause.message : `could not read the source: ${cause instanceof Error ? cause.message : String(cause)}`;
    deps.logger.warn({ runId, sourceId, err: cause }, "source discovery failed");
    await reportFailed(message);
    if (checkpoint) await checkpoints.put(finished(checkpoint));
    return;
  }

  const { commit, discovered, unchanged, skipped, batchCount } = work;
  const documentsCursor = work.listing ? nextCursor(work.listing.plan, work.listing.newest, Date.now()) : "";
  await deps.bus.publish([
    encodeEvent(
      topics.ingestionProgress,
      { runId, projectId, sourceId, step: { case: "discovered", value: { discovered, unchanged, skipped, batchCount, commit, documentsCursor } } },
      { id: eventIds("discovered"), key: runId, requestId: input.requestId },
    ),
  ]);
  await checkpoints.put(finished(work));
  deps.logger.info({ runId, sourceId, discovered, unchanged, skipped, batches: batchCount, diffed: work.diffed }, "source discovered");
}

/** The source itself failed (unreachable, refused, misconfigured): the run says why instead of the event being retried. */
class SourceUnreadable extends Error {
  constructor(override readonly cause: unknown) {
    super("the source could not be read");
  }
}

async function fromSource<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new SourceUnreadable(error);
  }
}

/** A listing's pages, its failures marked as the source's. */
async function* pagesFromSource<T>(pages: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = pages[Symbol.asyncIterator]();
  for (;;) {
    const next = await fromSource(() => iterator.next());
    if (next.done) return;
    yield next.value;
  }
}

/** A finished discovery keeps only what says it is finished. */
function finished(work: DiscoveryCheckpoint): DiscoveryCheckpoint {
  const { listing: _listing, ...rest } = work;
  return { ...rest, done: true, pending: [], unpublished: [] };
}

const indexItem = (path: string, contentHash: string, document = false): WorkItem => ({ action: IngestionItem_Action.INDEX, path, contentHash, document });
const deleteItem = (path: string, document = false): WorkItem => ({ action: IngestionItem_Action.DELETE, path, contentHash: "", document });

/**
 * The start of a discovery: the documents a webhook named (read whatever their version; a batch
 * removes one that is gone), or the code's work (a diff from the commit the index reflects when
 * the run is incremental and the reader can tell, else a listing against what is indexed) and
 * the plan of the documents' listing (those changed since the cursor, or all of them).
 */
async function firstWork(deps: WorkerDeps, reader: SourceReader, input: DiscoveryInput, indexed: IndexedFileRecord[]): Promise<DiscoveryCheckpoint> {
  const { runId, projectId, source } = input;
  const start = { id: discoveryCheckpointId(runId, source.sourceId), projectId, runId, sourceId: source.sourceId, done: false, batchCount: 0, unpublished: [] };
  if (source.documents.length > 0) {
    const pending = source.documents.map((path) => indexItem(path, "", true));
    return { ...start, commit: "", diffed: false, discovered: pending.length, unchanged: 0, skipped: 0, pending };
  }
  const incremental = input.mode !== IngestionMode.FULL;
  const changes = incremental && source.indexedCommit && reader.changesSince ? await fromSource(() => reader.changesSince!(source.indexedCommit)) : undefined;
  const code = changes
    ? workFromChanges(changes)
    : workFromListing(
        indexed.filter((record) => !record.document),
        incremental,
        deps.readers.maxFileBytes,
        await fromSource(() => reader.discover()),
      );
  const listing = reader.listDocuments
    ? { plan: planListing(incremental ? source.documentsCursor || undefined : undefined, Date.now()), newest: "", listed: [] }
    : undefined;
  return { ...start, commit: code.commit, diffed: code.diffed, discovered: code.discovered, unchanged: code.unchanged, skipped: code.skipped, pending: code.items, ...(listing ? { listing } : {}) };
}

/**
 * Listed documents against what is indexed (`indexedVersions`, empty when every document is to
 * be read again), noted in `listed` with their versions: new or changed versions become work, unchanged ones are only counted. A
 * document met again (a page repeated on resume, or one changed while the listing went on)
 * becomes work only if it was unchanged before.
 */
function addListedDocuments(
  work: DiscoveryCheckpoint,
  listing: NonNullable<DiscoveryCheckpoint["listing"]>,
  listed: Map<string, string>,
  documents: readonly DiscoveredDocument[],
  indexedVersions: ReadonlyMap<string, string>,
): void {
  for (const document of documents) {
    if (document.updatedAt > listing.newest) listing.newest = document.updatedAt;
    const indexedVersion = indexedVersions.get(document.path);
    const before = listed.get(document.path);
    listed.set(document.path, document.version);
    if (before === undefined) {
      work.discovered++;
      if (document.version === indexedVersion) work.unchanged++;
      else work.pending.push(indexItem(document.path, document.version, true));
    } else if (before === indexedVersion && document.version !== indexedVersion) {
      work.unchanged--;
      work.pending.push(indexItem(document.path, document.version, true));
    }
  }
}

/** The code's work: what changed, or what a listing found against what is indexed. */
interface CodeWork {
  commit: string;
  items: WorkItem[];
  /** Files found (in a diff: those changed or deleted). */
  discovered: number;
  unchanged: number;
  skipped: number;
  /** Whether it came from a diff against the indexed commit rather than a listing. */
  diffed: boolean;
}

/** A diff from the commit the index reflects: exactly its files are the work. */
function workFromChanges(changes: SourceChanges): CodeWork {
  const items = [...changes.changed.map((file) => indexItem(file.path, file.contentHash)), ...changes.deleted.map((path) => deleteItem(path))];
  return { commit: changes.commit, items, discovered: items.length, unchanged: 0, skipped: 0, diffed: true };
}

/**
 * A listing of the whole source against what is indexed: new or changed files to index, vanished
 * files to delete; unchanged ones are only counted in incremental mode.
 */
function workFromListing(indexedFiles: IndexedFileRecord[], incremental: boolean, maxFileBytes: number, snapshot: SourceSnapshot): CodeWork {
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
  return { commit: snapshot.commit, items, discovered: snapshot.files.length, unchanged, skipped, diffed: false };
}
