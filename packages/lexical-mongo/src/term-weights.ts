import type { LexicalEntry } from "@qamesh/ports";

/** BM25's usual saturation and length-normalisation constants. */
const k1 = 1.2;
const b = 0.75;
/**
 * The length chunks are normalised against. BM25 uses the collection's average; chunks are cut
 * to a bounded size, so a fixed typical length ranks almost alike and spares every write an
 * update of a collection-wide statistic.
 */
const typicalTerms = 120;
/** A term in the path counts as this many in the text. */
const pathWeight = 2;

/**
 * A chunk's distinct terms and each one's BM25 term-frequency weight (BM25F: the path's
 * occurrences weighted above the text's), computed once when the chunk is written. A search
 * multiplies them by the terms' rarity (idf), which it counts when it runs.
 */
export function termWeights(entry: LexicalEntry): { terms: string[]; weights: number[] } {
  const frequencies = new Map<string, number>();
  for (const term of entry.textTerms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
  for (const term of entry.pathTerms) frequencies.set(term, (frequencies.get(term) ?? 0) + pathWeight);
  const length = entry.textTerms.length + pathWeight * entry.pathTerms.length;
  const norm = k1 * (1 - b + (b * length) / typicalTerms);
  const terms = [...frequencies.keys()];
  return { terms, weights: terms.map((term) => { const tf = frequencies.get(term)!; return (tf * (k1 + 1)) / (tf + norm); }) };
}

/** BM25's inverse document frequency (never negative). */
export function rarity(documents: number, containing: number): number {
  return Math.log(1 + (documents - containing + 0.5) / (containing + 0.5));
}
