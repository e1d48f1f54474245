import type { StoredChunk } from "./vector-index.js";

/**
 * Where a passage comes from: a file and its lines, at a commit ("" for local folders); or a
 * ticket or page (its stable key as the path, the lines of its text), with its title and the
 * URL of the part cited (a comment, a section).
 */
export interface PassageReference {
  sourceId: string;
  path: string;
  startLine: number;
  endLine: number;
  commit: string;
  /** "" for files. */
  title?: string;
  /** "" for files. */
  url?: string;
  /** The definition or section cited, its kind and language, when the chunk knows them. */
  symbol?: string;
  symbolKind?: string;
  language?: string;
}

/** Where an indexed chunk comes from, as a citation of it says. */
export function chunkReference(chunk: StoredChunk): PassageReference {
  return {
    sourceId: chunk.sourceId,
    path: chunk.path,
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    commit: chunk.commit,
    ...(chunk.title ? { title: chunk.title } : {}),
    ...(chunk.url ? { url: chunk.url } : {}),
    ...(chunk.symbol ? { symbol: chunk.symbol, symbolKind: chunk.symbolKind } : {}),
    ...(chunk.language ? { language: chunk.language } : {}),
  };
}

/** How a passage is named to a model: a file's path and lines; a ticket's or page's title and the link of the part cited. */
export function referenceLabel(reference: PassageReference): string {
  const lines = `${reference.startLine}-${reference.endLine}`;
  return reference.title ? `${reference.title} (${reference.url || reference.path}) lines ${lines}` : `${reference.path}:${lines}`;
}
