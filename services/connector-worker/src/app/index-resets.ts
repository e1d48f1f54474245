import type { StoredDocument } from "@qamesh/ports";
import { indexedFilesCollection, type IndexedFileRecord } from "./indexed-files.js";
import type { WorkerDeps } from "./worker-deps.js";

/** A run that emptied its project's index before reading (the embedding model changed): kept so it is done once. */
interface IndexResetRecord extends StoredDocument {
  resetAt: string;
}

const indexResetsCollection = "index_resets";

/**
 * Empties the project's index for a run that indexes everything again with a new embedding
 * model (its vectors may have another size; the old ones cannot be searched with it), and the
 * worker's record of what was indexed. Once per run: a redelivered request, whose batches
 * other workers may already be writing, does not empty it again.
 */
export async function resetIndexOnce(deps: Pick<WorkerDeps, "store" | "chunkIndex">, projectId: string, runId: string): Promise<void> {
  const resets = deps.store.collection<IndexResetRecord>(indexResetsCollection);
  if (await resets.get(projectId, runId)) return;
  await deps.chunkIndex.delete(projectId, {});
  await deps.store.collection<IndexedFileRecord>(indexedFilesCollection).delete({ projectId });
  await resets.put({ id: runId, projectId, resetAt: new Date().toISOString() });
}
