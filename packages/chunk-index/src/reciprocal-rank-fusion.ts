import type { StoredChunk, VectorHit } from "@qamesh/ports";

/**
 * The usual constant of reciprocal rank fusion (Cormack et al. 2009): large enough that the
 * first few ranks of one list do not drown the other list.
 */
export const fusionConstant = 60;

/** One engine's ranking and how much its ranks count. */
export interface WeightedRanking {
  hits: readonly { chunk: StoredChunk }[];
  weight: number;
}

/**
 * Fuses rankings of the same chunks by reciprocal rank: each list gives a chunk
 * weight / (c + rank), times the chunk's `prior` (1 unless given), and chunks are ordered by the
 * sum. Only ranks are compared, never the engines' scores (cosine similarity and BM25 have
 * nothing in common); a chunk both lists found rises above one a single list found.
 */
export function reciprocalRankFusion(rankings: readonly WeightedRanking[], k: number, prior: (chunk: StoredChunk) => number = () => 1): VectorHit[] {
  const fused = new Map<string, VectorHit>();
  for (const { hits, weight } of rankings) {
    hits.forEach(({ chunk }, index) => {
      const entry = fused.get(chunk.id) ?? { chunk, score: 0 };
      entry.score += (prior(chunk) * weight) / (fusionConstant + index + 1);
      fused.set(chunk.id, entry);
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score || a.chunk.id.localeCompare(b.chunk.id)).slice(0, k);
}
