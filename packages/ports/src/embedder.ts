export type EmbeddingPurpose = "document" | "query";

export interface Embedder {
  readonly dimensions: number;
  embed(texts: readonly string[], purpose: EmbeddingPurpose): Promise<number[][]>;
}
