/** A chunk of indexed content with its embedding. */
export interface ChunkRecord {
  /** Stable: derived from project, source, path and position, so a retry overwrites. */
  id: string;
  projectId: string;
  sourceId: string;
  path: string;
  startLine: number;
  endLine: number;
  /** Git commit the content was read at, "" for local folders. */
  commit: string;
  /** Hash of the whole file the chunk came from (for a ticket or page: its version). */
  contentHash: string;
  /** A ticket's or page's key and title, as a citation shows it; "" for files. */
  title: string;
  /** Where the chunk can be read: the ticket, the comment or the page section it came from; "" for files. */
  url: string;
  /** "typescript", "python", "markdown"...; "" when not known. */
  language: string;
  /** The definitions the chunk holds or lies in (`SessionKeeper.refresh`), a Markdown section's heading; "" otherwise. */
  symbol: string;
  /** "class", "function", "method", "section"...; "" when there is no symbol. */
  symbolKind: string;
  /** What encloses the chunk and is not in its lines (class and function signatures, a section's heading path): embedded and searched with it. */
  context: string;
  text: string;
  vector: number[];
}

export type StoredChunk = Omit<ChunkRecord, "vector">;

export interface VectorHit {
  chunk: StoredChunk;
  /** Relevance, higher is closer: cosine similarity from the vector index (see ChunkIndex.search for the others). */
  score: number;
}

export interface ChunkFilter {
  sourceId?: string;
  path?: string;
}

/** What a search may be narrowed to, by the chunks' metadata. */
export interface SearchFilter {
  language?: string;
  symbolKind?: string;
}

/** A file as it is now indexed: chunks of the same path with another hash are leftovers. */
export interface FileVersion {
  path: string;
  contentHash: string;
}

export interface VectorIndex {
  upsert(projectId: string, chunks: readonly ChunkRecord[]): Promise<void>;
  search(projectId: string, vector: readonly number[], k: number, filter?: SearchFilter): Promise<VectorHit[]>;
  /** Chunks of a project matching the filter, without vectors. */
  list(projectId: string, filter: ChunkFilter): Promise<StoredChunk[]>;
  delete(projectId: string, filter: ChunkFilter): Promise<void>;
  /**
   * Drops the chunks of these files (of one source) whose content hash is not the current
   * one: what an older, longer version left behind. One call for a whole batch of files.
   */
  deleteOtherVersions(projectId: string, sourceId: string, current: readonly FileVersion[]): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
