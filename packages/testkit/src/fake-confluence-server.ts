import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeProviderServer } from "./fake-provider-server.js";

export interface FakeConfluenceComment {
  id: string;
  /** Storage format. */
  body: string;
  author: string;
}

export interface FakeConfluenceAttachment {
  id: string;
  title: string;
  mediaType: string;
  content: string | Buffer;
}

export interface FakeConfluencePage {
  id: string;
  space: string;
  title: string;
  /** Storage format (XHTML with ac: macros). */
  body: string;
  author: string;
  type?: "page" | "blogpost";
  comments?: FakeConfluenceComment[];
  attachments?: FakeConfluenceAttachment[];
}

interface Stored extends FakeConfluencePage {
  version: number;
  when: number;
  commentTimes: Map<string, number>;
}

/**
 * Confluence Cloud's REST API v1 under `/wiki/rest/api` as far as qamesh reads it: CQL search
 * (`space in (...) AND type in (...) AND lastmodified >= now("-Nm") ORDER BY lastmodified ASC`,
 * paged by start), content by id with body.storage and version, comments as child content. Basic
 * authentication with an email and API token.
 */
export class FakeConfluenceServer extends FakeProviderServer {
  private readonly pages = new Map<string, Stored>();
  private clock = Date.now();
  /** Set by `backdate`: edits are this far apart, from a time in the past. */
  private backdatedStepMs: number | undefined;

  private constructor(private credentials: string) {
    super();
  }

  static start(email: string, apiToken: string): Promise<FakeConfluenceServer> {
    return new FakeConfluenceServer(`${email}:${apiToken}`).listen();
  }

  /** The site's address as users give it (Cloud: with /wiki). */
  get siteUrl(): string {
    return `${this.url}/wiki`;
  }

  /** Creates or edits a page: a new version. */
  put(page: FakeConfluencePage): void {
    const existing = this.pages.get(page.id);
    const when = this.tick();
    const commentTimes = new Map(existing?.commentTimes);
    for (const comment of page.comments ?? []) if (!commentTimes.has(comment.id)) commentTimes.set(comment.id, when);
    this.pages.set(page.id, { ...page, version: (existing?.version ?? 0) + 1, when, commentTimes });
  }

  /** Adds a comment without changing the page's version, as Confluence does. */
  comment(pageId: string, comment: FakeConfluenceComment): void {
    const page = this.pages.get(pageId)!;
    page.comments = [...(page.comments ?? []), comment];
    page.commentTimes.set(comment.id, this.tick());
  }

  delete(pageId: string): void {
    this.pages.delete(pageId);
  }

  acceptCredentials(email: string, apiToken: string): void {
    this.credentials = `${email}:${apiToken}`;
  }

  /** Edits from now on happened from `start` on, `stepMs` apart: a space edited over hours, not seconds. */
  backdate(start: number, stepMs: number): void {
    this.clock = start - stepMs;
    this.backdatedStepMs = stepMs;
  }

  private tick(): number {
    this.clock = this.backdatedStepMs ? this.clock + this.backdatedStepMs : Math.max(Date.now(), this.clock + 1000);
    return this.clock;
  }

  protected answer(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", this.url);
    this.requests.push(`${request.method} ${url.pathname}${url.search}`);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    // Where downloads are redirected (Cloud's media service), reached without the site's credentials.
    const media = /^\/media\/(\d+)\/([^/]+)$/.exec(url.pathname);
    if (media) {
      const attachment = this.pages.get(media[1]!)?.attachments?.find((candidate) => candidate.id === media[2]);
      if (attachment) response.writeHead(200, { "content-type": attachment.mediaType }).end(attachment.content);
      else json(404, { message: "no such file" });
      return;
    }
    if (request.headers.authorization !== `Basic ${Buffer.from(this.credentials).toString("base64")}`) {
      json(401, { statusCode: 401, message: "Current user not permitted to use Confluence" });
      return;
    }
    const failure = this.dueFailure(url.pathname);
    if (failure) {
      json(failure.status, { statusCode: failure.status, message: failure.message }, failure.headers);
      return;
    }
    if (url.pathname === "/wiki/rest/api/search") {
      this.search(url, json);
      return;
    }
    const download = /^\/wiki\/rest\/api\/content\/(\d+)\/child\/attachment\/([^/]+)\/download$/.exec(url.pathname);
    if (download) {
      response.writeHead(302, { location: `${this.url}/media/${download[1]}/${download[2]}` }).end();
      return;
    }
    const attachments = /^\/wiki\/rest\/api\/content\/(\d+)\/child\/attachment$/.exec(url.pathname);
    if (attachments) {
      const page = this.pages.get(attachments[1]!);
      if (!page) json(404, { statusCode: 404, message: "No content found with id" });
      else json(200, { results: (page.attachments ?? []).map((attachment) => this.attachmentJson(page, attachment)), start: 0, limit: 100, size: page.attachments?.length ?? 0, _links: {} });
      return;
    }
    const match = /^\/wiki\/rest\/api\/content\/(\d+)(\/child\/comment)?$/.exec(url.pathname);
    const page = match ? this.pages.get(match[1]!) : undefined;
    if (!page) {
      json(404, { statusCode: 404, message: "No content found with id" });
      return;
    }
    if (match![2]) {
      const start = Number(url.searchParams.get("start") ?? 0);
      const limit = Number(url.searchParams.get("limit") ?? 25);
      const comments = (page.comments ?? []).slice(start, start + limit).map((comment) => this.commentJson(page, comment));
      json(200, { results: comments, start, limit, size: comments.length, _links: {} });
      return;
    }
    json(200, this.contentJson(page));
  }

  private search(url: URL, json: (status: number, body: unknown) => void): void {
    const cql = url.searchParams.get("cql") ?? "";
    const spaces = [...(/space in \(([^)]*)\)/.exec(cql)?.[1] ?? "").matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
    const types = (/type in \(([^)]*)\)/.exec(cql)?.[1] ?? "").split(",").map((type) => type.trim());
    const minutes = Number(/lastmodified >= now\("-(\d+)m"\)/.exec(cql)?.[1] ?? 0);
    const after = minutes ? Date.now() - minutes * 60_000 : 0;
    type Hit = { when: number; body: unknown };
    const hits: Hit[] = [];
    for (const page of this.pages.values()) {
      if (!spaces.includes(page.space)) continue;
      if (types.includes(page.type ?? "page") && page.when >= after) hits.push({ when: page.when, body: { content: this.contentJson(page, false), lastModified: new Date(page.when).toISOString() } });
      if (types.includes("attachment")) {
        for (const attachment of page.attachments ?? []) {
          const when = page.commentTimes.get(attachment.id) ?? page.when;
          if (when >= after) hits.push({ when, body: { content: this.attachmentJson(page, attachment), lastModified: new Date(when).toISOString() } });
        }
      }
      if (types.includes("comment")) {
        for (const comment of page.comments ?? []) {
          const when = page.commentTimes.get(comment.id) ?? page.when;
          if (when >= after) hits.push({ when, body: { content: this.commentJson(page, comment), lastModified: new Date(when).toISOString() } });
        }
      }
    }
    hits.sort((a, b) => a.when - b.when);
    const start = Number(url.searchParams.get("start") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 25);
    const results = hits.slice(start, start + limit).map((hit) => hit.body);
    json(200, { results, start, limit, size: results.length, totalSize: hits.length, cqlQuery: cql, _links: { base: this.siteUrl } });
  }

  private webui(page: Stored): string {
    return `/spaces/${page.space}/${page.type === "blogpost" ? "blog" : "pages"}/${page.id}/${page.title.split(/\s+/).map(encodeURIComponent).join("+")}`;
  }

  private contentJson(page: Stored, withBody = true) {
    return {
      id: page.id,
      type: page.type ?? "page",
      status: "current",
      title: page.title,
      space: { key: page.space, name: page.space },
      history: { latest: true, createdBy: { displayName: page.author } },
      version: { number: page.version, when: new Date(page.when).toISOString(), by: { displayName: page.author } },
      ...(withBody ? { body: { storage: { value: page.body, representation: "storage" } } } : {}),
      _links: { webui: this.webui(page), self: `${this.siteUrl}/rest/api/content/${page.id}` },
    };
  }

  /** Adds an attachment to a page, as uploading one does (the page's version stays). */
  attach(pageId: string, attachment: FakeConfluenceAttachment): void {
    const page = this.pages.get(pageId)!;
    page.attachments = [...(page.attachments ?? []).filter((existing) => existing.id !== attachment.id), attachment];
    page.commentTimes.set(attachment.id, this.tick());
  }

  private attachmentJson(page: Stored, attachment: FakeConfluenceAttachment) {
    const when = page.commentTimes.get(attachment.id) ?? page.when;
    return {
      id: attachment.id,
      type: "attachment",
      status: "current",
      title: attachment.title,
      container: { id: page.id, type: page.type ?? "page", title: page.title },
      version: { number: 1, when: new Date(when).toISOString(), by: { displayName: page.author } },
      extensions: { mediaType: attachment.mediaType, fileSize: Buffer.byteLength(attachment.content) },
      _links: { webui: `${this.webui(page)}?preview=${encodeURIComponent(`/${page.id}/${attachment.id}/${attachment.title}`)}`, download: `/download/attachments/${page.id}/${attachment.title}` },
    };
  }

  private commentJson(page: Stored, comment: FakeConfluenceComment) {
    const when = page.commentTimes.get(comment.id) ?? page.when;
    return {
      id: comment.id,
      type: "comment",
      status: "current",
      title: `Re: ${page.title}`,
      container: { id: page.id, type: page.type ?? "page", title: page.title },
      version: { number: 1, when: new Date(when).toISOString(), by: { displayName: comment.author } },
      body: { storage: { value: comment.body, representation: "storage" } },
      _links: { webui: `${this.webui(page)}?focusedCommentId=${comment.id}#comment-${comment.id}` },
    };
  }
}
