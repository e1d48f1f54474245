import type { ChunkFilter, FileVersion, SearchFilter, StoredChunk } from "./vector-index.js";

/** A chunk as the lexical index keeps it: the chunk, and its words already split into search terms. */
export interface LexicalEntry {
  chunk: StoredChunk;
  /** Terms of the chunk's path (folders and file name): a match there counts more than one in the text. */
  pathTerms: readonly string[];
  textTerms: readonly string[];
}

export interface LexicalHit {
  chunk: StoredChunk;
  /** Higher is better; comparable only within one search. */
  score: number;
}

/**
 * Keyword search over a project's chunks, beside the vector index: it finds the chunk that
 * names the identifier or the rare word a question uses, which embeddings blur. Terms come
 * split and normalised (the chunk index does that, once, for both sides); the engine ranks by
 * BM25 or its like: chunks matching more, and rarer, terms first.
 */
export interface LexicalIndex {
  /** Inserts or replaces entries by chunk id. */
  upsert(projectId: string, entries: readonly LexicalEntry[]): Promise<void>;
  /** The k chunks of the project that match the most, and the rarest, of the terms. */
  search(projectId: string, terms: readonly string[], k: number, filter?: SearchFilter): Promise<LexicalHit[]>;
  delete(projectId: string, filter: ChunkFilter): Promise<void>;
  /** As the vector index's: drops chunks of these files whose content hash is not the current one. */
  deleteOtherVersions(projectId: string, sourceId: string, current: readonly FileVersion[]): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
