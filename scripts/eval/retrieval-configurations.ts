/** A way of retrieving that the evaluation measures: which embedder the mesh runs, which search mode it asks for. */
export interface RetrievalConfiguration {
  name: string;
  /** Configurations with the same embedder share one mesh and one ingestion. */
  embedder: string;
  environment: Record<string, string>;
  search: Record<string, string>;
}

export const retrievalConfigurations: readonly RetrievalConfiguration[] = [
  { name: "vector-hashing", embedder: "hashing", environment: { EMBEDDING_PROVIDER: "hashing" }, search: { mode: "vector" } },
  { name: "lexical", embedder: "hashing", environment: { EMBEDDING_PROVIDER: "hashing" }, search: { mode: "lexical" } },
  { name: "hybrid-hashing", embedder: "hashing", environment: { EMBEDDING_PROVIDER: "hashing" }, search: { mode: "hybrid" } },
  { name: "vector-model", embedder: "model", environment: { EMBEDDING_PROVIDER: "onnx" }, search: { mode: "vector" } },
  { name: "hybrid-model", embedder: "model", environment: { EMBEDDING_PROVIDER: "onnx" }, search: { mode: "hybrid" } },
];
