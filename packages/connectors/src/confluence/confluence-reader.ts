import { failedPrecondition } from "@qamesh/errors";
import { outboundAgents } from "@qamesh/source-safety";
import { ConfluenceClient } from "confluence.js";
import { atlassianCall, isGone } from "../atlassian/atlassian-calls.js";
import { atlassianAuthentication, type AtlassianSecrets } from "../atlassian/atlassian-credentials.js";
import { laterOf, listingOverlapMs } from "../listing-cursor.js";
import type { DiscoveredDocument, ListingPage, SourceDocument, SourceReader, SourceSnapshot } from "../source-reader.js";
import type { ReaderEnvironment } from "../source-type.js";
import { activityTime, type ConfluenceAttachment, confluenceDocument, confluenceDocumentKey, parseConfluenceDocumentKey, type ConfluenceContent } from "./confluence-documents.js";
import type { ConfluenceConfig } from "./confluence-source.js";

interface SearchResult {
  content?: ConfluenceContent & { container?: { id?: string; type?: string } };
  lastModified?: string;
}

/**
 * Confluence through confluence.js and its REST API v1, whose search takes CQL: v2 pages by
 * cursor but cannot filter by `lastmodified`. Changed pages are found with `lastmodified >=
 * now("-<minutes>m")`, relative to the server's clock, so the API account's time zone cannot
 * shift the window. A page's version is its latest activity (its edit or its newest comment: a
 * comment does not change the page's own version), which listings of pages and comments since a
 * time agree on. Every request goes only to addresses the outbound policy allows.
 */
export class ConfluenceReader implements SourceReader {
  private constructor(
    private readonly config: ConfluenceConfig,
    private readonly client: ConfluenceClient,
    /** For attachment downloads, which may be redirected. */
    private readonly downloads: ConfluenceClient,
    private readonly environment: ReaderEnvironment,
  ) {}

  static open(config: ConfluenceConfig, secrets: AtlassianSecrets, environment: ReaderEnvironment): ConfluenceReader {
    const base = new URL(config.baseUrl);
    const authentication = atlassianAuthentication(secrets);
    const clientFor = (maxRedirects: number) => {
      const client = new ConfluenceClient({
        host: base.origin,
        apiPrefix: `${base.pathname.replace(/\/+$/, "")}/rest/`,
        ...authentication,
        baseRequestConfig: { ...outboundAgents(environment.outboundPolicy), maxRedirects, timeout: 60_000 },
      });
      keepFailedResponses(client);
      return client;
    };
    return new ConfluenceReader(config, clientFor(0), clientFor(2), environment);
  }

  /** A Confluence source has no files. */
  discover(): Promise<SourceSnapshot> {
    return Promise.resolve({ commit: "", files: [] });
  }

  read(): Promise<Buffer> {
    throw failedPrecondition("a Confluence source has no files");
  }

  /**
   * Pages (and blog posts if asked) changed at or after a time (with the comments and
   * attachments changed since, which bring their page along), oldest change first; a listing
   * resumes from the newest change its last page held.
   */
  async *listDocuments(updatedAfter: string | undefined, resumeFrom?: string): AsyncIterable<ListingPage> {
    const now = Date.now();
    const types = [...(this.config.include.pages ? ["page"] : []), ...(this.config.include.blogPosts ? ["blogpost"] : [])];
    // Comments and attachments changed since the cursor bring their page along; a full listing compares versions only.
    if (updatedAfter && this.config.include.comments) types.push("comment");
    if (updatedAfter && this.config.include.attachments) types.push("attachment");
    const since = laterOf(updatedAfter, resumeFrom);
    const spaces = this.config.spaces.map((space) => `"${space}"`).join(",");
    // Minutes on the server's clock, with the overlap again for the difference between the clocks.
    const minutes = since ? Math.ceil((now - Date.parse(since)) / 60_000) + Math.ceil(listingOverlapMs / 60_000) : 0;
    const cql = `space in (${spaces}) AND type in (${types.join(",")})${minutes ? ` AND lastmodified >= now("-${minutes}m")` : ""} ORDER BY lastmodified ASC`;
    let newest = resumeFrom ?? "";
    for (let start = 0; ; ) {
      const page = await this.call(() => this.client.search.searchByCQL({ cql, start, limit: 100, expand: ["content.version", "content.container"] }));
      const results = (page.results ?? []) as SearchResult[];
      // A page met twice (edited, then commented on) counts once, at its latest activity.
      const documents = new Map<string, DiscoveredDocument>();
      for (const result of results) {
        const content = result.content;
        if (!content?.id) continue;
        // A comment counts for the page it is on; either way the page's version is its latest activity.
        const target = content.type === "comment" || content.type === "attachment" ? content.container : content;
        if (!target?.id || (target.type !== "page" && target.type !== "blogpost") || !types.includes(target.type)) continue;
        const when = activityTime(content.version?.when ?? result.lastModified);
        const key = confluenceDocumentKey(target.type, target.id);
        const known = documents.get(key);
        if (!known || when > known.version) documents.set(key, { path: key, version: when, updatedAt: when });
        if (when > newest) newest = when;
      }
      yield { documents: [...documents.values()], resumeFrom: newest };
      start += results.length;
      if (results.length === 0 || results.length < 100) break;
    }
  }

  /** A page or blog post with its comments; undefined once it is deleted, trashed or out of sight. */
  async readDocument(key: string): Promise<SourceDocument | undefined> {
    const parsed = parseConfluenceDocumentKey(key);
    if (!parsed) return undefined;
    try {
      const content = (await this.call(() => this.client.content.getContentById({ id: parsed.id, expand: ["body.storage", "version", "history", "space"] }))) as unknown as ConfluenceContent & {
        status?: string;
        space?: { key?: string };
      };
      if (content.status && content.status !== "current") return undefined;
      if (content.space?.key && !this.config.spaces.includes(content.space.key)) return undefined;
      const comments: ConfluenceContent[] = [];
      if (this.config.include.comments) {
        for (let start = 0; ; ) {
          const page = await this.call(() => this.client.contentComments.getContentComments({ id: parsed.id, expand: ["body.storage", "version"], depth: "all", start, limit: 100 }));
          const results = (page.results ?? []) as unknown as ConfluenceContent[];
          comments.push(...results);
          start += results.length;
          if (results.length < 100) break;
        }
      }
      return confluenceDocument(this.config.baseUrl, content, comments, this.config.include.attachments ? await this.textAttachments(parsed.id) : []);
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  }

  /**
   * A page's attachments of text types within MAX_FILE_BYTES, read. Downloads may be redirected
   * (Confluence Cloud hands files out from its media service): they go through a client that
   * follows two redirects, each to an address the policy allows, without the credentials.
   */
  private async textAttachments(pageId: string): Promise<ConfluenceAttachment[]> {
    const attachments: ConfluenceAttachment[] = [];
    for (let start = 0; ; ) {
      const page = await this.call(() => this.client.contentAttachments.getAttachments({ id: pageId, start, limit: 100, expand: ["version"] }));
      const results = (page.results ?? []) as unknown as AttachmentContent[];
      for (const attachment of results) {
        const mediaType = attachment.extensions?.mediaType ?? attachment.metadata?.mediaType ?? "";
        const size = Number(attachment.extensions?.fileSize ?? 0);
        if (!isTextType(mediaType) || size > this.environment.maxFileBytes) continue;
        const data = await this.call(() => this.downloads.contentAttachments.downloadAttachment({ id: pageId, attachmentId: attachment.id }));
        const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data as unknown as ArrayBuffer);
        if (bytes.length > this.environment.maxFileBytes || bytes.subarray(0, 8000).includes(0)) continue;
        attachments.push({
          title: attachment.title,
          url: `${this.config.baseUrl}${attachment._links?.webui ?? attachment._links?.download ?? ""}`,
          text: bytes.toString("utf8"),
          when: attachment.version?.when ?? "",
        });
      }
      start += results.length;
      if (results.length < 100) break;
    }
    return attachments;
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return atlassianCall("Confluence", this.environment.reportWaiting, work);
  }
}

/** The axios instance inside confluence.js's client (not part of its typed API). */
interface WithAxios {
  instance?: { interceptors?: { response?: { use(onFulfilled: undefined, onRejected: (error: unknown) => unknown): unknown } } };
}

/**
 * confluence.js rethrows a failed request as its response body alone, losing the status and the
 * Retry-After header that say what to do. An interceptor hands it an error that keeps both.
 */
function keepFailedResponses(client: ConfluenceClient): void {
  (client as unknown as WithAxios).instance?.interceptors?.response?.use(undefined, (error: unknown) => {
    const response = (error as { response?: { status?: number; headers?: Record<string, unknown> } } | null)?.response;
    if (!response) return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    return Promise.reject(Object.assign(new Error(`Confluence answered ${response.status}`), { status: response.status, response: { status: response.status, headers: response.headers ?? {} } }));
  });
}

/** What qamesh reads of an attachment's listing entry. */
interface AttachmentContent {
  id: string;
  title: string;
  extensions?: { mediaType?: string; fileSize?: number };
  metadata?: { mediaType?: string };
  version?: { when?: string };
  _links?: { webui?: string; download?: string };
}

const textMediaTypes = new Set(["application/json", "application/xml", "application/x-yaml", "application/yaml", "application/x-sh", "application/javascript"]);

/** Text an answer can quote: text/*, and the structured text formats. */
function isTextType(mediaType: string): boolean {
  const type = mediaType.split(";")[0]!.trim().toLowerCase();
  return type.startsWith("text/") || textMediaTypes.has(type);
}
