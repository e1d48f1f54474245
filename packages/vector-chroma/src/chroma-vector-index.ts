import { ChromaClient, type Collection } from "chromadb";
import type { ChunkFilter, ChunkRecord, FileVersion, SearchFilter, StoredChunk, VectorHit, VectorIndex } from "@qamesh/ports";
import { chromaCall } from "./chroma-failures.js";
import { fromMetadata, otherVersionsWhere, toMetadata, toWhere } from "./chunk-metadata.js";

export interface ChromaVectorIndexOptions {
  /** e.g. http://127.0.0.1:8000 */
  url: string;
  /** Prefix of this deployment's collection names, so several can share one Chroma. */
  collectionPrefix?: string;
  /** Records per upsert request. */
  batchSize?: number;
}

const pageSize = 1_000;

/**
 * The VectorIndex on a Chroma server: one collection per project (cosine space), so a query
 * can never reach another project's chunks and a project is dropped by dropping its collection.
 * Embeddings are computed by llm-profiles, never by Chroma.
 */
export class ChromaVectorIndex implements VectorIndex {
  private readonly client: ChromaClient;
  private readonly prefix: string;
  private readonly batchSize: number;
  private readonly collections = new Map<string, Promise<Collection>>();

  constructor(options: ChromaVectorIndexOptions) {
    const url = new URL(options.url);
    this.client = new ChromaClient({
      host: url.hostname,
      port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
      ssl: url.protocol === "https:",
    });
    this.prefix = options.collectionPrefix ?? "qamesh";
    this.batchSize = options.batchSize ?? 500;
  }

  upsert(projectId: string, chunks: readonly ChunkRecord[]): Promise<void> {
    return chromaCall(() => this.againIfDropped(projectId, () => this.upsertBatches(projectId, chunks)));
  }

  search(projectId: string, vector: readonly number[], k: number, filter?: SearchFilter): Promise<VectorHit[]> {
    return chromaCall(() => this.againIfDropped(projectId, () => this.nearest(projectId, vector, k, filter)));
  }

  list(projectId: string, filter: ChunkFilter): Promise<StoredChunk[]> {
    return chromaCall(() => this.againIfDropped(projectId, () => this.allMatching(projectId, filter)));
  }

  delete(projectId: string, filter: ChunkFilter): Promise<void> {
    return chromaCall(() => this.deleteMatching(projectId, filter));
  }

  deleteOtherVersions(projectId: string, sourceId: string, current: readonly FileVersion[]): Promise<void> {
    return chromaCall(() => this.deleteStale(projectId, sourceId, current));
  }

  async ping(): Promise<void> {
    await chromaCall(() => this.client.heartbeat());
  }

  async close(): Promise<void> {
    this.collections.clear();
  }

  /**
   * Another process may have dropped the project's collection (the project's embedding model
   * changed, and its index is built again) since this one opened it: the collection this one
   * holds is gone. Once, the work is done again with the collection looked up afresh.
   */
  private async againIfDropped<T>(projectId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isNotFound(error) || !this.collections.has(projectId)) throw error;
      this.collections.delete(projectId);
      return work();
    }
  }

  private async upsertBatches(projectId: string, chunks: readonly ChunkRecord[]): Promise<void> {
    if (chunks.length === 0) return;
    const collection = await this.collection(projectId, true);
    for (let start = 0; start < chunks.length; start += this.batchSize) {
      const batch = chunks.slice(start, start + this.batchSize);
      await collection!.upsert({
        ids: batch.map((chunk) => chunk.id),
        embeddings: batch.map((chunk) => [...chunk.vector]),
        documents: batch.map((chunk) => chunk.text),
        metadatas: batch.map(toMetadata),
      });
    }
  }

  private async nearest(projectId: string, vector: readonly number[], k: number, filter: SearchFilter | undefined): Promise<VectorHit[]> {
    const collection = await this.collection(projectId, false);
    if (!collection || k < 1) return [];
    const where = filter && toWhere(filter);
    const result = await collection.query({
      queryEmbeddings: [[...vector]],
      nResults: k,
      ...(where ? { where } : {}),
      include: ["documents", "metadatas", "distances"],
    });
    const ids = result.ids[0] ?? [];
    return ids.map((id, i) => ({
      chunk: fromMetadata(id, result.documents[0]?.[i], result.metadatas[0]?.[i]),
      // Cosine distance is 1 - similarity.
      score: 1 - (result.distances[0]?.[i] ?? 1),
    }));
  }

  private async allMatching(projectId: string, filter: ChunkFilter): Promise<StoredChunk[]> {
    const collection = await this.collection(projectId, false);
    if (!collection) return [];
    const chunks: StoredChunk[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const where = toWhere(filter);
      const page = await collection.get({
        ...(where ? { where } : {}),
        include: ["documents", "metadatas"],
        limit: pageSize,
        offset,
      });
      page.ids.forEach((id, i) => chunks.push(fromMetadata(id, page.documents[i], page.metadatas[i])));
      if (page.ids.length < pageSize) return chunks;
    }
  }

  private async deleteMatching(projectId: string, filter: ChunkFilter): Promise<void> {
    const where = toWhere(filter);
    if (!where) {
      this.collections.delete(projectId);
      await this.client.deleteCollection({ name: this.collectionName(projectId) }).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
      return;
    }
    const collection = await this.collection(projectId, false);
    await collection?.delete({ where });
  }

  private async deleteStale(projectId: string, sourceId: string, current: readonly FileVersion[]): Promise<void> {
    const collection = await this.collection(projectId, false);
    if (!collection) return;
    for (let start = 0; start < current.length; start += this.batchSize) {
      await collection.delete({ where: otherVersionsWhere(sourceId, current.slice(start, start + this.batchSize)) });
    }
  }

  /** Collection names allow only a few characters: the project id is hex-encoded. */
  private collectionName(projectId: string): string {
    return `${this.prefix}-${Buffer.from(projectId, "utf8").toString("hex")}`;
  }

  private async collection(projectId: string, create: boolean): Promise<Collection | undefined> {
    const cached = this.collections.get(projectId);
    if (cached) return cached;
    const name = this.collectionName(projectId);
    const opening = create
      ? this.client.getOrCreateCollection({ name, embeddingFunction: null, configuration: { hnsw: { space: "cosine" } } })
      : this.client.getCollection({ name });
    const found = opening.catch((error: unknown) => {
      this.collections.delete(projectId);
      throw error;
    });
    this.collections.set(projectId, found);
    try {
      return await found;
    } catch (error) {
      if (!create && isNotFound(error)) return undefined;
      throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? "";
  const message = error instanceof Error ? error.message : "";
  return name === "ChromaNotFoundError" || /does not exist|not found/i.test(message);
}
