/** A file as discovery sees it, before reading its content. */
export interface DiscoveredFile {
  path: string;
  /** Git blob id of the content (computed the same way for local files). */
  contentHash: string;
  size: number;
}

export interface SourceSnapshot {
  /** Commit of a git source; "" for local folders. */
  commit: string;
  files: DiscoveredFile[];
}

/** One kind of source: lists its files at a point in time and reads them back. */
export interface SourceReader {
  discover(): Promise<SourceSnapshot>;
  /** Content of a file as of `commit` (ignored by readers without history). */
  read(path: string, commit: string): Promise<Buffer>;
}
