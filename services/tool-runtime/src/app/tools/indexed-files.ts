import { invalidArgument, notFound } from "@qamesh/errors";
import type { ChunkFilter, ChunkIndex, StoredChunk } from "@qamesh/ports";

/** A file as the project's index holds it, at the commit it was read at. */
export interface IndexedFile {
  sourceId: string;
  path: string;
  /** "" for local folders. */
  commit: string;
  /** A ticket's or page's title and link; "" for files. */
  title: string;
  url: string;
  /** lines[n - 1] is line n. */
  lines: string[];
}

/**
 * The project's files, put back together from their indexed chunks: what the code tools read,
 * so they see exactly what search and citations see, at the same commit. Chunks keep whole
 * lines; a line too long for one chunk is cut across chunks, each piece under its number.
 */
export class IndexedFiles {
  constructor(private readonly chunkIndex: Pick<ChunkIndex, "list">) {}

  /** Every indexed file of the project (or of one source), in path order. */
  async all(projectId: string, filter: ChunkFilter = {}): Promise<IndexedFile[]> {
    const byFile = new Map<string, StoredChunk[]>();
    for (const chunk of await this.chunkIndex.list(projectId, filter)) {
      const key = `${chunk.sourceId}\n${chunk.path}`;
      const chunks = byFile.get(key);
      if (chunks) chunks.push(chunk);
      else byFile.set(key, [chunk]);
    }
    return [...byFile.values()].map(assemble).sort((a, b) => a.path.localeCompare(b.path) || a.sourceId.localeCompare(b.sourceId));
  }

  /** One file; `sourceId` is needed only when several sources hold the same path. */
  async one(projectId: string, path: string, sourceId?: string): Promise<IndexedFile> {
    const files = await this.all(projectId, { path, ...(sourceId ? { sourceId } : {}) });
    if (files.length === 0) throw notFound(`no indexed file at ${path}${sourceId ? ` in source ${sourceId}` : ""}; list_files shows the paths`);
    if (files.length > 1) throw invalidArgument("arguments.source_id", `${path} is in several sources (${files.map((file) => file.sourceId).join(", ")}); name one as source_id`);
    return files[0]!;
  }
}

function assemble(chunks: StoredChunk[]): IndexedFile {
  const first = chunks[0]!;
  const lines: string[] = [];
  const ordered = [...chunks].sort((a, b) => a.startLine - b.startLine || a.endLine - b.endLine);
  for (const chunk of ordered) {
    // A chunk's lines are its line numbers in order; a line cut across chunks continues where it stopped.
    chunk.text.split("\n").forEach((text, index) => {
      const known = lines[chunk.startLine + index - 1];
      lines[chunk.startLine + index - 1] = known === undefined ? text : known + text;
    });
  }
  for (let index = 0; index < lines.length; index++) lines[index] ??= "";
  // A ticket's first chunk holds its description, whose link is the ticket's own.
  const opening = ordered[0]!;
  return { sourceId: first.sourceId, path: first.path, commit: first.commit, title: opening.title, url: opening.url, lines };
}
