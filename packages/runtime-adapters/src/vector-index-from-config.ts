import { z } from "zod";
import type { VectorIndex } from "@qamesh/ports";
import { ChromaVectorIndex } from "@qamesh/vector-chroma";
import { LanceVectorIndex } from "@qamesh/vector-lance";

/** The vector-index variables of the services that read or write chunks. */
export const vectorIndexConfigShape = {
  /** When set, chunks live in this Chroma server, else in the embedded LanceDB directory. */
  CHROMA_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  /** Prefix of the per-project collection names, so deployments can share a Chroma. */
  CHROMA_COLLECTION_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$/, "must start with a letter or digit; letters, digits, _ or -")
    .default("qamesh"),
  /** Directory of the embedded vector index (LanceDB). */
  VECTOR_DIR: z.string().min(1).default("./data/vectors"),
};

export interface VectorIndexConfig {
  CHROMA_URL?: string | undefined;
  CHROMA_COLLECTION_PREFIX: string;
  VECTOR_DIR: string;
}

export async function openVectorIndex(config: VectorIndexConfig): Promise<VectorIndex> {
  if (!config.CHROMA_URL) return LanceVectorIndex.open(config.VECTOR_DIR);
  const index = new ChromaVectorIndex({ url: config.CHROMA_URL, collectionPrefix: config.CHROMA_COLLECTION_PREFIX });
  await index.ping();
  return index;
}
