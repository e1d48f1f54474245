import type { Metadata, Where } from "chromadb";
import type { ChunkFilter, ChunkRecord, FileVersion, SearchFilter, StoredChunk } from "@qamesh/ports";

/** Everything of a chunk but its id, text and vector travels as Chroma metadata. */
export function toMetadata(chunk: ChunkRecord): Metadata {
  return {
    projectId: chunk.projectId,
    sourceId: chunk.sourceId,
    path: chunk.path,
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    commit: chunk.commit,
    contentHash: chunk.contentHash,
    title: chunk.title,
    url: chunk.url,
    language: chunk.language,
    symbol: chunk.symbol,
    symbolKind: chunk.symbolKind,
    context: chunk.context,
  };
}

export function fromMetadata(id: string, text: string | null | undefined, metadata: Metadata | null | undefined): StoredChunk {
  const field = (name: string) => metadata?.[name];
  return {
    id,
    projectId: String(field("projectId") ?? ""),
    sourceId: String(field("sourceId") ?? ""),
    path: String(field("path") ?? ""),
    startLine: Number(field("startLine") ?? 0),
    endLine: Number(field("endLine") ?? 0),
    commit: String(field("commit") ?? ""),
    contentHash: String(field("contentHash") ?? ""),
    title: String(field("title") ?? ""),
    url: String(field("url") ?? ""),
    language: String(field("language") ?? ""),
    symbol: String(field("symbol") ?? ""),
    symbolKind: String(field("symbolKind") ?? ""),
    context: String(field("context") ?? ""),
    text: text ?? "",
  };
}

/** The port's filters (a listing's or a search's) as a Chroma `where`: equality on each field given; undefined matches everything. */
export function toWhere(filter: ChunkFilter | SearchFilter): Where | undefined {
  const conditions: Where[] = Object.entries(filter)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => ({ [field]: value as string }));
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0] : { $and: conditions };
}

/** Chunks of the source's files whose hash is not the given one. */
export function otherVersionsWhere(sourceId: string, current: readonly FileVersion[]): Where {
  const stale: Where[] = current.map((file) => ({ $and: [{ path: file.path }, { contentHash: { $ne: file.contentHash } }] }));
  return { $and: [{ sourceId }, stale.length === 1 ? stale[0]! : { $or: stale }] };
}
