import { Binary, type Collection, type Db } from "mongodb";
import type { StoredChunk } from "@qamesh/ports";

/**
 * What a search reads of every chunk holding a query term: kept apart from the chunk's text and
 * small (weights packed as float32), because a server without usable indexes reads each of
 * these documents whole (FerretDB 1.x spends most of a search parsing them).
 */
export interface TermsDocument {
  /** The chunk id. */
  _id: string;
  sourceId: string;
  path: string;
  language: string;
  symbolKind: string;
  /** The chunk's distinct terms (a multikey index). */
  terms: string[];
  /** Each term's BM25 weight, in the order of `terms`, as little-endian float32 (generic binary: older servers know no vector subtype). */
  weights: Binary;
}

/** The chunk itself, fetched by `_id` for the hits only. */
export interface ChunkDocument {
  _id: string;
  sourceId: string;
  path: string;
  chunk: StoredChunk;
}

/** Which chunks a file has and the version each was written for: per-file deletions look here instead of querying by path. */
export interface FileDocument {
  /** {@link fileKey} */
  _id: string;
  sourceId: string;
  path: string;
  /** {@link fieldOf} the chunk id → content hash. */
  chunks: Record<string, string>;
}

export interface ProjectCollections {
  terms: Collection<TermsDocument>;
  chunks: Collection<ChunkDocument>;
  files: Collection<FileDocument>;
}

/** A project's collections, as each project has its own Chroma collection. Names allow only some characters: the project id is hex-encoded. */
export function projectCollections(db: Db, projectId: string): ProjectCollections {
  const suffix = Buffer.from(projectId, "utf8").toString("hex");
  return {
    terms: db.collection(`lexical_terms_${suffix}`),
    chunks: db.collection(`lexical_chunks_${suffix}`),
    files: db.collection(`lexical_files_${suffix}`),
  };
}

/** Creating an index that exists is a no-op, so every process may do this once per project it writes. */
export async function createIndexes({ terms, chunks, files }: ProjectCollections): Promise<void> {
  await Promise.all([
    terms.createIndex({ terms: 1 }),
    terms.createIndex({ sourceId: 1, path: 1 }),
    chunks.createIndex({ sourceId: 1, path: 1 }),
    files.createIndex({ sourceId: 1, path: 1 }),
  ]);
}

export const fileKey = (sourceId: string, path: string) => `${sourceId}\u0000${path}`;

/** A chunk id as a field name: field names may not hold `.` or start with `$`. */
export const fieldOf = (chunkId: string) => chunkId.replace(/[%.$]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
export const chunkIdOf = (field: string) => decodeURIComponent(field);

export function packWeights(weights: readonly number[]): Binary {
  const packed = new DataView(new ArrayBuffer(weights.length * 4));
  weights.forEach((weight, index) => packed.setFloat32(index * 4, weight, true));
  return new Binary(new Uint8Array(packed.buffer));
}

export function unpackWeights(packed: Binary): Float32Array {
  const bytes = packed.value();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.byteLength / 4 }, (_, index) => view.getFloat32(index * 4, true));
}
