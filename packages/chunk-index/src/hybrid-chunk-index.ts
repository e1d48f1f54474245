import { invalidArgument } from "@qamesh/errors";
import type { ChunkFilter, ChunkIndex, ChunkQuery, ChunkRecord, FileVersion, LexicalEntry, LexicalIndex, StoredChunk, VectorHit, VectorIndex } from "@qamesh/ports";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.js";
import { searchTerms } from "./search-terms.js";

/**
 * How deep each side's ranking goes before fusing: a chunk ranked 30th by one engine and 2nd by
 * the other should still make the top 5.
 */
const fusionDepth = 40;

/**
 * How much the keyword ranking counts against the vector ranking's 1. Measured with
 * `npm run eval:retrieval` (hashing embedder, 49 questions): equal weights let a chunk the
 * vectors like for its common words beat the one holding the question's rare terms; 2 gave the
 * best recall@5 (0.82 against 0.78 for 1 and 3).
 */
const lexicalWeight = 2;

/**
 * The vector index and the lexical index as one chunk index. Writes and deletions go to both
 * (vectors first: a retry after a failure in between redoes both, every write being idempotent
 * by chunk id); a hybrid search asks both and fuses their rankings by reciprocal rank.
 */
export class HybridChunkIndex implements ChunkIndex {
  constructor(
    private readonly vectors: VectorIndex,
    private readonly lexical: LexicalIndex,
  ) {}

  async upsert(projectId: string, chunks: readonly ChunkRecord[]): Promise<void> {
    await this.vectors.upsert(projectId, chunks);
    await this.lexical.upsert(projectId, chunks.map(({ vector: _vector, ...chunk }) => lexicalEntry(chunk)));
  }

  async search(projectId: string, query: ChunkQuery, k: number): Promise<VectorHit[]> {
    const vectorHits = () => {
      if (!query.vector) throw invalidArgument("vector", `a ${query.mode} search needs the query's embedding`);
      return this.vectors.search(projectId, query.vector, query.mode === "vector" ? k : Math.max(k, fusionDepth), query.filter);
    };
    const lexicalHits = (depth: number) => this.lexical.search(projectId, searchTerms(query.text), depth, query.filter);
    switch (query.mode) {
      case "vector":
        return vectorHits();
      case "lexical":
        return lexicalHits(k);
      case "hybrid": {
        const [byMeaning, byWords] = await Promise.all([vectorHits(), lexicalHits(Math.max(k, fusionDepth))]);
        return reciprocalRankFusion([{ hits: byMeaning, weight: 1 }, { hits: byWords, weight: lexicalWeight }], k);
      }
    }
  }

  list(projectId: string, filter: ChunkFilter): Promise<StoredChunk[]> {
    return this.vectors.list(projectId, filter);
  }

  async delete(projectId: string, filter: ChunkFilter): Promise<void> {
    await this.vectors.delete(projectId, filter);
    await this.lexical.delete(projectId, filter);
  }

  async deleteOtherVersions(projectId: string, sourceId: string, current: readonly FileVersion[]): Promise<void> {
    await this.vectors.deleteOtherVersions(projectId, sourceId, current);
    await this.lexical.deleteOtherVersions(projectId, sourceId, current);
  }

  async ping(): Promise<void> {
    await Promise.all([this.vectors.ping(), this.lexical.ping()]);
  }
}

/** A chunk's search terms: its text's, with a ticket's or page's title and what encloses the chunk (signatures, headings) counted as text too. */
export function lexicalEntry(chunk: StoredChunk): LexicalEntry {
  return { chunk, pathTerms: searchTerms(chunk.path), textTerms: searchTerms([chunk.title, chunk.context, chunk.text].filter(Boolean).join("\n")) };
}
