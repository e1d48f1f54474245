import type { ChunkFilter, ChunkRecord, FileVersion, SearchFilter, StoredChunk, VectorHit } from "./vector-index.js";

/** How a search ranks: by meaning (vectors), by words (lexical), or both fused. */
export const searchModes = ["hybrid", "vector", "lexical"] as const;
export type SearchMode = (typeof searchModes)[number];

export interface ChunkQuery {
  text: string;
  /** The text's embedding; needed unless the mode is lexical. */
  vector?: readonly number[];
  mode: SearchMode;
  filter?: SearchFilter;
}

/**
 * Everything searchable of a project's content: the vector index and the lexical index behind
 * one face, so a write, a deletion or a search never reaches one and forgets the other. It
 * does not close them: whoever opened the indexes does.
 */
export interface ChunkIndex {
  upsert(projectId: string, chunks: readonly ChunkRecord[]): Promise<void>;
  /** Ranked chunks; `score` is the cosine similarity (vector), the engine's keyword score (lexical) or the fused rank score (hybrid). */
  search(projectId: string, query: ChunkQuery, k: number): Promise<VectorHit[]>;
  list(projectId: string, filter: ChunkFilter): Promise<StoredChunk[]>;
  delete(projectId: string, filter: ChunkFilter): Promise<void>;
  deleteOtherVersions(projectId: string, sourceId: string, current: readonly FileVersion[]): Promise<void>;
  ping(): Promise<void>;
}
