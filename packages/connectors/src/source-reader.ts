/** A file as discovery sees it, before reading its content. */
export interface DiscoveredFile {
  path: string;
  /** Git blob id of the content (computed the same way for local files). */
  contentHash: string;
  size: number;
}

/** A ticket, pull request or page as a listing sees it, before reading it. */
export interface DiscoveredDocument {
  /** Its stable key in the source ("#12", "ABC-12", a page id), never a content hash. */
  path: string;
  /** Changes whenever it does (its update time): an unchanged version is not read again. */
  version: string;
  /** When it last changed (ISO; "" when unknown): the next listing of changes starts from the newest. */
  updatedAt: string;
}

/** One page of a listing of tickets or pages. */
export interface ListingPage {
  documents: DiscoveredDocument[];
  /**
   * Where a listing cut short after this page starts again (opaque to the caller): listing
   * from it yields at least everything later pages would have, and may repeat some documents.
   */
  resumeFrom: string;
}

export interface SourceSnapshot {
  /** Commit of a git source; "" for local folders and sources without code. */
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

/** One part of a document that has its own link: the description, a comment, a page section. */
export interface DocumentSection {
  /** What the part is: "Description", "Comment by ann on 2026-01-02", a heading. */
  heading: string;
  text: string;
  /** Where exactly it can be read. */
  url: string;
}

/** A ticket, pull request or page, read in full for indexing. */
export interface SourceDocument {
  path: string;
  /** What it is, as runs count it: issues, pullRequests, mergeRequests, pages, blogPosts. */
  kind: string;
  /** Its comments (and review comments) among the sections, as runs count them. */
  commentCount: number;
  version: string;
  /** As a citation shows it: key and title ("#12 Refunds fail", "ABC-12 Login loops"). */
  title: string;
  url: string;
  author: string;
  updatedAt: string;
  sections: DocumentSection[];
}

/** One kind of source: lists its files (and tickets or pages) at a point in time and reads them back. */
export interface SourceReader {
  /** Lists the source's files (none for a source of tickets or pages only). */
  discover(): Promise<SourceSnapshot>;
  /**
   * What changed since `commit`, for a reader that can tell (a repository that still has that
   * commit); undefined when it cannot, and the caller lists everything instead.
   */
  changesSince?(commit: string): Promise<SourceChanges | undefined>;
  /** Content of a file as of `commit` (ignored by readers without history). */
  read(path: string, commit: string): Promise<Buffer>;
  /**
   * For sources with tickets or pages: those updated at or after `updatedAfter` (ISO), or all
   * of them without it, oldest change first, a page at a time; `resumeFrom` (from the last
   * page a listing cut short got through) continues that listing instead of starting over.
   */
  listDocuments?(updatedAfter: string | undefined, resumeFrom?: string): AsyncIterable<ListingPage>;
  /** A ticket or page by its key; undefined when it no longer exists (deleted, moved away). */
  readDocument?(path: string): Promise<SourceDocument | undefined>;
}
