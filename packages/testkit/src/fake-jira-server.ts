import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeProviderServer } from "./fake-provider-server.js";

export interface FakeJiraComment {
  id: string;
  body: string;
  author: string;
  created: string;
}

export interface FakeJiraIssue {
  key: string;
  summary: string;
  description: string;
  reporter: string;
  type?: string;
  status?: string;
  comments?: FakeJiraComment[];
  /** Custom fields by id. */
  custom?: Record<string, string>;
}

interface StoredIssue extends FakeJiraIssue {
  id: string;
  updatedMs: number;
  createdMs: number;
}

/** A paragraph of Atlassian Document Format, as Jira Cloud's API v3 writes text. */
const adf = (text: string) => ({ type: "doc", version: 1, content: text.split("\n\n").map((paragraph) => ({ type: "paragraph", content: [{ type: "text", text: paragraph }] })) });
/** Jira's own time format: 2026-11-24T12:00:00.000+0000. */
const jiraTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+0000");

/**
 * Jira Cloud's REST API v3 as far as qamesh reads it: `/search/jql` (bounded JQL only, paged by
 * nextPageToken, no total; the old `/search` answers 410), issues with ADF descriptions, their
 * comments (paged by startAt). It understands the JQL qamesh writes: `(project = KEY) AND
 * updated >= <epoch ms> ORDER BY updated ASC`. Basic authentication with an email and API token.
 */
export class FakeJiraServer extends FakeProviderServer {
  private readonly issues = new Map<string, StoredIssue>();
  /** Old key → new key of issues moved to another project. */
  private readonly moved = new Map<string, string>();
  private clock = Date.now();
  private nextId = 10_000;

  private constructor(
    private credentials: string,
    /** Data Center: API v2 (plain-text fields, `/search` paged by startAt with a total), a personal token as Bearer. */
    private readonly dataCenter: boolean,
  ) {
    super();
  }

  /** Jira Cloud with an email and API token; or, with `{ personalToken }` alone, Jira Data Center. */
  static start(email: string, apiToken: string, options: { personalToken?: string } = {}): Promise<FakeJiraServer> {
    return new FakeJiraServer(options.personalToken ?? `${email}:${apiToken}`, options.personalToken !== undefined).listen();
  }

  put(issue: FakeJiraIssue): void {
    const existing = this.issues.get(issue.key);
    // Jira's JQL compares updated times by the minute; these move on by a minute each time.
    this.clock = Math.max(Date.now(), this.clock + 60_000);
    this.issues.set(issue.key, { ...issue, id: existing?.id ?? String(this.nextId++), createdMs: existing?.createdMs ?? this.clock, updatedMs: this.clock });
  }

  delete(key: string): void {
    this.issues.delete(key);
  }

  /** Moves an issue to another key (another project): the old key answers with the issue under its new one. */
  move(key: string, newKey: string): void {
    const issue = this.issues.get(key)!;
    this.issues.delete(key);
    this.moved.set(key, newKey);
    this.put({ ...issue, key: newKey });
  }

  acceptCredentials(email: string, apiToken: string): void {
    this.credentials = `${email}:${apiToken}`;
  }

  protected answer(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", this.url);
    this.requests.push(`${request.method} ${url.pathname}${url.search}`);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => response.writeHead(status, { "content-type": "application/json;charset=UTF-8", ...headers }).end(JSON.stringify(body));
    const expected = this.dataCenter ? `Bearer ${this.credentials}` : `Basic ${Buffer.from(this.credentials).toString("base64")}`;
    if (request.headers.authorization !== expected) {
      json(401, { errorMessages: ["You are not authenticated. Authentication required to perform this operation."], errors: {} });
      return;
    }
    const failure = this.dueFailure(url.pathname);
    if (failure) {
      json(failure.status, { errorMessages: [failure.message], errors: {} }, failure.headers);
      return;
    }
    const api = this.dataCenter ? "/rest/api/2" : "/rest/api/3";
    if (this.dataCenter && url.pathname === "/rest/api/2/search") {
      this.search(url, json);
      return;
    }
    if (url.pathname === "/rest/api/3/search" || url.pathname === "/rest/api/2/search") {
      json(410, { errorMessages: ["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."], errors: {} });
      return;
    }
    if (!this.dataCenter && url.pathname === "/rest/api/3/search/jql") {
      this.search(url, json);
      return;
    }
    const issueMatch = new RegExp(`^${api}/issue/([A-Z][A-Z0-9_]*-\\d+)(/comment)?$`).exec(url.pathname);
    if (!issueMatch) {
      json(404, { errorMessages: ["Not found"], errors: {} });
      return;
    }
    const key = this.moved.get(issueMatch[1]!) ?? issueMatch[1]!;
    const issue = this.issues.get(key);
    if (!issue) {
      json(404, { errorMessages: ["Issue does not exist or you do not have permission to see it."], errors: {} });
      return;
    }
    if (issueMatch[2]) {
      const startAt = Number(url.searchParams.get("startAt") ?? 0);
      const maxResults = Number(url.searchParams.get("maxResults") ?? 50);
      const comments = issue.comments ?? [];
      json(200, {
        startAt,
        maxResults,
        total: comments.length,
        comments: comments.slice(startAt, startAt + maxResults).map((comment) => ({
          self: `${this.url}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
          id: comment.id,
          author: { accountId: `acc-${comment.author}`, displayName: comment.author, active: true },
          body: this.dataCenter ? comment.body : adf(comment.body),
          created: comment.created,
          updated: comment.created,
          jsdPublic: true,
        })),
      });
      return;
    }
    json(200, this.issueJson(issue, url.searchParams.get("fields")?.split(",")));
  }

  private search(url: URL, json: (status: number, body: unknown) => void): void {
    const jql = url.searchParams.get("jql") ?? "";
    const project = /project\s*=\s*"?([A-Z][A-Z0-9_]*)"?/.exec(jql)?.[1];
    if (!project) {
      json(400, { errorMessages: ["Unbounded JQL queries are not allowed here. Please add a search restriction to your query."], errors: {} });
      return;
    }
    const after = Number(/updated\s*>=\s*(\d+)/.exec(jql)?.[1] ?? 0);
    const maxResults = Math.min(100, Number(url.searchParams.get("maxResults") ?? 50));
    const offset = Number((this.dataCenter ? url.searchParams.get("startAt") : url.searchParams.get("nextPageToken")) ?? 0);
    // Minute precision, as Jira's JQL compares dates.
    const matching = [...this.issues.values()]
      .filter((issue) => issue.key.startsWith(`${project}-`) && Math.floor(issue.updatedMs / 60_000) >= Math.floor(after / 60_000))
      .sort((a, b) => a.updatedMs - b.updatedMs);
    const page = matching.slice(offset, offset + maxResults);
    const more = offset + maxResults < matching.length;
    const issues = page.map((issue) => this.issueJson(issue, url.searchParams.get("fields")?.split(",")));
    if (this.dataCenter) json(200, { startAt: offset, maxResults, total: matching.length, issues });
    else json(200, { issues, ...(more ? { nextPageToken: String(offset + maxResults) } : {}), isLast: !more });
  }

  private issueJson(issue: StoredIssue, fields: string[] | undefined) {
    const all: Record<string, unknown> = {
      summary: issue.summary,
      description: this.dataCenter ? issue.description : adf(issue.description),
      updated: jiraTime(issue.updatedMs),
      created: jiraTime(issue.createdMs),
      reporter: { accountId: `acc-${issue.reporter}`, displayName: issue.reporter, active: true },
      issuetype: { id: "10001", name: issue.type ?? "Bug", subtask: false },
      status: { id: "3", name: issue.status ?? "In Progress" },
      ...issue.custom,
    };
    const chosen = fields ? Object.fromEntries(Object.entries(all).filter(([name]) => fields.includes(name))) : all;
    return { id: issue.id, key: issue.key, self: `${this.url}/rest/api/3/issue/${issue.id}`, fields: chosen };
  }
}
