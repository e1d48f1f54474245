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

/** What changed in a source between an earlier commit and its head. */
export interface SourceChanges {
  commit: string;
  /** Added or modified files; their size is unknown (0) until read. */
  changed: DiscoveredFile[];
  deleted: string[];
}

/** One kind of source: lists its files at a point in time and reads them back. */
export interface SourceReader {
  discover(): Promise<SourceSnapshot>;
  /**
   * What changed since `commit`, for a reader that can tell (a repository that still has that
   * commit); undefined when it cannot, and the caller lists everything instead.
   */
  changesSince?(commit: string): Promise<SourceChanges | undefined>;
  /** Content of a file as of `commit` (ignored by readers without history). */
  read(path: string, commit: string): Promise<Buffer>;
}
