import { invalidArgument } from "@qamesh/errors";
import type { ChunkFilter, ChunkIndex, ChunkQuery, ChunkRecord, FileVersion, LexicalEntry, LexicalIndex, StoredChunk, VectorHit, VectorIndex } from "@qamesh/ports";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.js";
import { searchTerms } from "./search-terms.js";
import { asksAboutTests, isTestPath } from "./test-files.js";

/*
 * The constants below were chosen with `npm run eval:retrieval` (49 questions), from each
 * side's top 50 fused offline under every combination; with the offline model (hybrid):
 * recall@5 / MRR / line recall@5 0.84 / 0.67 / 0.69 with the earlier depth 40 and no test-file
 * weight, 0.88 / 0.70 / 0.73 with these. The hashing embedder: 0.80 / 0.61 / 0.67 -> 0.80 /
 * 0.63 / 0.67.
 */

/**
 * How deep each side's ranking goes before fusing: a chunk ranked 40th by one engine and 2nd by
 * the other should still make the top 5 (40 instead of 50 cost the model 0.02 of recall@5).
 */
const fusionDepth = 50;

/**
 * How much the keyword ranking counts against the vector ranking's 1. With the hashing
 * embedder (a hash of the words, no meaning) the vectors rank by common words, and only 2 puts
 * the chunk holding all of a question's terms first when the vectors rank it third; with the
 * model, equal weights would do better (0.94 / 0.72 / 0.82), which needs the weight to follow
 * the project's embedder (not done yet).
 */
const lexicalWeight = 2;

/**
 * How much a chunk of a test file counts, unless the question is about tests: tests repeat the
 * identifiers and words of the code they test, and crowded it out of the first places.
 */
const testFileWeight = 0.5;

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
        const prior = asksAboutTests(query.text) ? undefined : (chunk: StoredChunk) => (isTestPath(chunk.path) ? testFileWeight : 1);
        return reciprocalRankFusion([{ hits: byMeaning, weight: 1 }, { hits: byWords, weight: lexicalWeight }], k, prior);
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
