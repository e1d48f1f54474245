import { isAppError } from "@qamesh/errors";
import { encodeEvent, topics } from "@qamesh/events";
import type { ChunkRecord } from "@qamesh/ports";
import { IngestionItem_Action, type IngestionBatch } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import type { SourceChunk } from "../chunking/syntax-chunks.js";
import { gitBlobHash, type SourceDocument, type SourceReader } from "@qamesh/connectors";
import { documentChunks } from "../chunking/document-chunks.js";
import { readerForSpec } from "../sources/reader-for-spec.js";
import { chunkId, indexedFileId, indexedFilesCollection, type IndexedFileRecord } from "./indexed-files.js";
import { isSourceRemoved, sourceRemovedReason } from "./removed-sources.js";
import { retrying } from "./retrying.js";
import { waitingReporter } from "./waiting-reports.js";
import type { WorkerDeps } from "./worker-deps.js";

const embeddingsPerCall = 128;

interface PreparedFile {
  path: string;
  contentHash: string;
  /** A ticket or page rather than a file. */
  document: boolean;
  /** As runs count it: files, issues, pullRequests, pages...; and the comments it holds. */
  kind: string;
  comments: number;
  chunks: Omit<ChunkRecord, "vector">[];
}

/** What a chunk is cut with: its lines and, for code and Markdown, what it defines or lies in. */
type ChunkContent = Pick<SourceChunk, "startLine" | "endLine" | "text"> & Partial<SourceChunk>;

/**
 * What the embedding model reads of a chunk: a file's path (a ticket's or page's title), what
 * encloses it (class and function signatures, a section's headings), then its lines.
 */
function embeddingInput(chunk: Omit<ChunkRecord, "vector">): string {
  return [chunk.title || chunk.path, chunk.context, chunk.text].filter(Boolean).join("\n");
}

/** Binary files have NUL bytes early on; text never does. Same heuristic as git's. */
function looksBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

/**
 * Does one batch of a run: reads, chunks and embeds the files to index, upserts their chunks
 * under stable ids and then removes chunks of older versions, deletes vanished files, and
 * reports counts. Safe to repeat: a redelivered batch rewrites the same ids. A file that
 * cannot be read fails alone; an embedding model or index that stays down through the
 * retries fails the batch's files, so the run still ends and says why.
 */
export async function indexBatch(deps: WorkerDeps, batch: IngestionBatch, requestId: string): Promise<void> {
  const { projectId, sourceId, runId } = batch;
  if (await isSourceRemoved(deps.store, projectId, sourceId)) return reportBatchNotRead(deps, batch, requestId, sourceRemovedReason);
  let reader: SourceReader;
  try {
    reader = await readerForSpec(batch.spec, deps.readers, { projectId, sourceId }, waitingReporter(deps, { runId, projectId, sourceId, requestId }));
  } catch (error) {
    // Say why on the run rather than retrying an event that can never succeed.
    return reportBatchNotRead(deps, batch, requestId, `could not read the source: ${isAppError(error) ? error.message : "its settings are unreadable"}`);
  }
  const indexedFiles = deps.store.collection<IndexedFileRecord>(indexedFilesCollection);
  const counts: BatchCounts = { indexed: 0, deleted: 0, skipped: 0, failed: 0, indexedByKind: {} };
  const errors: FileError[] = [];
  const prepared: PreparedFile[] = [];
  /** Paths whose chunks go: deleted upstream, or (`skipped`) no longer indexable. */
  const removals: { path: string; skipped: boolean }[] = [];

  const chunkOf = (path: string, contentHash: string, index: number, chunk: ChunkContent, title = "", url = ""): Omit<ChunkRecord, "vector"> => ({
    id: chunkId(projectId, sourceId, path, index),
    projectId,
    sourceId,
    path,
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    commit: batch.commit,
    contentHash,
    title,
    url,
    language: chunk.language ?? "",
    symbol: chunk.symbol ?? "",
    symbolKind: chunk.symbolKind ?? "",
    context: chunk.context ?? "",
    text: chunk.text,
  });

  for (const item of batch.items) {
    if (item.action === IngestionItem_Action.DELETE) {
      removals.push({ path: item.path, skipped: false });
      continue;
    }
    if (item.document) {
      let document: SourceDocument | undefined;
      try {
        if (!reader.readDocument) throw new Error("this source has no documents");
        document = await reader.readDocument(item.path);
      } catch (error) {
        counts.failed++;
        errors.push({ sourceId, path: item.path, message: `could not read ${item.path}: ${isAppError(error) ? error.message : error instanceof Error ? error.message.split("\n")[0] : String(error)}` });
        continue;
      }
      // Gone upstream since it was listed (deleted, moved to another project): its chunks go.
      if (!document) {
        removals.push({ path: item.path, skipped: false });
        continue;
      }
      const { version, title } = document;
      const chunks = documentChunks(document).map((chunk, index) => chunkOf(item.path, version, index, chunk, title, chunk.url));
      prepared.push({ path: item.path, contentHash: version, document: true, kind: document.kind, comments: document.commentCount, chunks });
      continue;
    }
    let content: Buffer;
    try {
      content = await reader.read(item.path, batch.commit);
    } catch (error) {
      counts.failed++;
      errors.push({ sourceId, path: item.path, message: `could not read the file: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` });
      continue;
    }
    if (looksBinary(content) || content.length > deps.readers.maxFileBytes) {
      counts.skipped++;
      removals.push({ path: item.path, skipped: true });
      continue;
    }
    const contentHash = batch.commit ? item.contentHash : gitBlobHash(content);
    const chunks = (await deps.chunker.chunk(item.path, content.toString("utf8"))).map((chunk, index) => chunkOf(item.path, contentHash, index, chunk));
    prepared.push({ path: item.path, contentHash, document: false, kind: "files", comments: 0, chunks });
  }

  const allChunks = prepared.flatMap((file) => file.chunks);
  let stored = prepared;
  try {
    await retrying(deps.retry, async () => {
      const vectors = await embed(deps, projectId, allChunks.map(embeddingInput));
      await deps.chunkIndex.upsert(projectId, allChunks.map((chunk, index) => ({ ...chunk, vector: vectors[index]! })));
    });
  } catch (error) {
    // The embedding model or the index stayed down: these files fail (the run says why) and
    // keep their previous version, so the next incremental run tries them again.
    const reason = `could not embed or index the file: ${error instanceof Error ? error.message : String(error)}`;
    deps.logger.warn({ runId, sourceId, files: prepared.length, err: error }, "batch could not be embedded or indexed");
    for (const file of prepared) errors.push({ sourceId, path: file.path, message: reason });
    counts.failed += prepared.length;
    stored = [];
  }

  // Only after the new versions are in: drop chunks of the old ones (fewer chunks, other hash).
  await deps.chunkIndex.deleteOtherVersions(projectId, sourceId, stored);
  // Files of a batch are independent: their records go out side by side, which matters when
  // the store is across the network.
  await Promise.all(
    stored.map(async (file) => {
      await indexedFiles.put({
        id: indexedFileId(sourceId, file.path),
        projectId,
        sourceId,
        path: file.path,
        contentHash: file.contentHash,
        chunkCount: file.chunks.length,
        ...(file.document ? { document: true } : {}),
      });
    }),
  );
  counts.indexed += stored.length;
  for (const file of stored) {
    counts.indexedByKind[file.kind] = (counts.indexedByKind[file.kind] ?? 0) + 1;
    if (file.comments > 0) counts.indexedByKind.comments = (counts.indexedByKind.comments ?? 0) + file.comments;
  }
  const indexedEvents = stored.map((file) =>
    encodeEvent(
      topics.documentIndexed,
      { projectId, sourceId, runId, path: file.path, contentHash: file.contentHash, chunkCount: file.chunks.length, commit: batch.commit },
      { id: `${runId}:${sourceId}:indexed:${file.path}`, key: projectId, requestId },
    ),
  );
  for (const { path, skipped } of removals) {
    const wasIndexed = await indexedFiles.get(projectId, indexedFileId(sourceId, path));
    await deps.chunkIndex.delete(projectId, { sourceId, path });
    await indexedFiles.delete({ projectId, id: indexedFileId(sourceId, path) });
    if (wasIndexed && !skipped) counts.deleted++;
  }

  // The source may have been removed while this batch was being written: undo, so nothing of it
  // outlives the removal (which wrote its tombstone before cleaning up).
  if (await isSourceRemoved(deps.store, projectId, sourceId)) {
    await deps.chunkIndex.delete(projectId, { sourceId });
    await indexedFiles.delete({ projectId, sourceId });
    return reportBatchNotRead(deps, batch, requestId, sourceRemovedReason);
  }
  await deps.bus.publish([...indexedEvents, batchCompleted(batch, counts, errors, requestId)]);
}

type BatchCounts = { indexed: number; deleted: number; skipped: number; failed: number; indexedByKind: Record<string, number> };
type FileError = { sourceId: string; path: string; message: string };

/** The one progress event of a batch; its id is the batch's, so a redelivery counts once. */
function batchCompleted(batch: IngestionBatch, counts: BatchCounts, errors: FileError[], requestId: string) {
  const { runId, projectId, sourceId } = batch;
  return encodeEvent(
    topics.ingestionProgress,
    { runId, projectId, sourceId, step: { case: "batchCompleted", value: { batchIndex: batch.batchIndex, ...counts, errors } } },
    { id: `${runId}:${sourceId}:batch-${batch.batchIndex}:completed`, key: runId, requestId },
  );
}

/** A batch that cannot be read (its source removed, say) completes with its files failed, saying why, so the run still ends. */
async function reportBatchNotRead(deps: WorkerDeps, batch: IngestionBatch, requestId: string, reason: string): Promise<void> {
  const toIndex = batch.items.filter((item) => item.action === IngestionItem_Action.INDEX);
  const errors = toIndex.map((item) => ({ sourceId: batch.sourceId, path: item.path, message: reason }));
  await deps.bus.publish([batchCompleted(batch, { indexed: 0, deleted: 0, skipped: 0, failed: toIndex.length, indexedByKind: {} }, errors, requestId)]);
}

async function embed(deps: WorkerDeps, projectId: string, texts: string[]): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += embeddingsPerCall) {
    vectors.push(...(await deps.models.embed(projectId, texts.slice(start, start + embeddingsPerCall), "document")));
  }
  return vectors;
}
