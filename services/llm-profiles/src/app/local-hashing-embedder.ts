import type { Embedder } from "@qamesh/ports";
import { textTokens } from "./text-tokens.js";

/**
 * The offline embedder: feature hashing of terms and term pairs into a fixed-size vector,
 * L2-normalised so cosine similarity measures shared vocabulary. No model, no network; it
 * finds passages that use the question's words, which is what a laptop demo needs. A real
 * embedding model (OpenAI-compatible, Ollama) replaces it through configuration.
 */
export class LocalHashingEmbedder implements Embedder {
  constructor(readonly dimensions = 512) {}

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text));
  }

  private embedOne(text: string): number[] {
    const vector = new Float64Array(this.dimensions);
    const tokens = textTokens(text);
    for (let i = 0; i < tokens.length; i++) {
      this.add(vector, tokens[i]!, 1);
      if (i + 1 < tokens.length) this.add(vector, `${tokens[i]} ${tokens[i + 1]}`, 0.5);
    }
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    return Array.from(vector, (value) => value / norm);
  }

  private add(vector: Float64Array, feature: string, weight: number): void {
    const hash = fnv1a(feature);
    // One hash bit picks the sign so colliding features cancel instead of piling up.
    vector[hash % this.dimensions]! += hash & 0x80000000 ? -weight : weight;
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
