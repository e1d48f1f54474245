import { z } from "zod";
import type { LexicalIndex, VectorIndex } from "@qamesh/ports";
import { MongoLexicalIndex } from "@qamesh/lexical-mongo";
import { SqliteLexicalIndex } from "@qamesh/lexical-sqlite";
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

/**
 * The variables of the services that read or write chunks: the vector index's, and the lexical
 * index's, which lives where the service's records do (MongoDB when MONGODB_URI is set, in a
 * database of its own that the workers and tool-runtime share; else a SQLite file).
 */
export const chunkIndexConfigShape = {
  ...vectorIndexConfigShape,
  LEXICAL_FILE: z.string().min(1).default("./data/lexical.sqlite"),
  LEXICAL_MONGODB_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, "must be 1-63 letters, digits, _ or -")
    .default("qamesh_chunks"),
};

export interface LexicalIndexConfig {
  MONGODB_URI?: string | undefined;
  LEXICAL_FILE: string;
  LEXICAL_MONGODB_DATABASE: string;
}

export type ChunkIndexConfig = VectorIndexConfig & LexicalIndexConfig;

export async function openLexicalIndex(config: LexicalIndexConfig): Promise<LexicalIndex> {
  if (!config.MONGODB_URI) return SqliteLexicalIndex.open(config.LEXICAL_FILE);
  return MongoLexicalIndex.connect(config.MONGODB_URI, config.LEXICAL_MONGODB_DATABASE);
}

export async function openVectorIndex(config: VectorIndexConfig): Promise<VectorIndex> {
  if (!config.CHROMA_URL) return LanceVectorIndex.open(config.VECTOR_DIR);
  const index = new ChromaVectorIndex({ url: config.CHROMA_URL, collectionPrefix: config.CHROMA_COLLECTION_PREFIX });
  await index.ping();
  return index;
}
