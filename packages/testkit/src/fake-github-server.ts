import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeProviderServer } from "./fake-provider-server.js";
import { serveWithHttpBackend } from "./git-http-server.js";

export interface FakeGitHubComment {
  id: number;
  body: string;
  user: string;
  createdAt: string;
  /** Review comments (on a pull request's diff): the file and line. */
  path?: string;
  line?: number;
}

export interface FakeGitHubIssue {
  number: number;
  title: string;
  body: string;
  user: string;
  state: "open" | "closed";
  pullRequest?: boolean;
  comments?: FakeGitHubComment[];
  reviewComments?: FakeGitHubComment[];
}

interface StoredIssue extends FakeGitHubIssue {
  createdAt: string;
  updatedAt: string;
}

/**
 * GitHub's REST API as far as qamesh reads it (a repository's issues and pull requests with
 * their comments and review comments, listed oldest update first with `since` and Link-header
 * pagination), in GitHub's JSON shapes, plus the repositories themselves over git's smart HTTP
 * at `<url>/<owner>/<repo>.git` (the repository fixture lives at `<gitRoot>/<owner>/<repo>.git`).
 * With a token, both demand it as GitHub does (`Authorization: token …` on the API, the token as
 * the basic-auth password on git). Failures can be injected (429 with Retry-After, 5xx).
 */
export class FakeGitHubServer extends FakeProviderServer {
  private readonly issues = new Map<string, Map<number, StoredIssue>>();
  private clock = Date.now();

  private constructor(
    private readonly gitRoot: string,
    private token: string | undefined,
  ) {
    super();
  }

  static start(gitRoot: string, token?: string): Promise<FakeGitHubServer> {
    return new FakeGitHubServer(gitRoot, token).listen();
  }

  /** Creates or changes an issue or pull request; its update time moves on (by at least a second, as GitHub's do). */
  putIssue(owner: string, repo: string, issue: FakeGitHubIssue): void {
    const issues = this.repository(owner, repo);
    const existing = issues.get(issue.number);
    this.clock = Math.max(Date.now(), this.clock + 1000);
    const now = new Date(this.clock).toISOString().replace(/\.\d+Z$/, "Z");
    issues.set(issue.number, { ...issue, createdAt: existing?.createdAt ?? now, updatedAt: now });
  }

  deleteIssue(owner: string, repo: string, number: number): void {
    this.repository(owner, repo).delete(number);
  }

  /** The token the server accepts from now on (undefined: none needed). */
  acceptToken(token: string | undefined): void {
    this.token = token;
  }

  private repository(owner: string, repo: string): Map<number, StoredIssue> {
    const key = `${owner}/${repo}`;
    let issues = this.issues.get(key);
    if (!issues) this.issues.set(key, (issues = new Map()));
    return issues;
  }

  protected answer(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", this.url);
    if (/^\/[^/]+\/[^/]+\.git(\/|$)/.test(url.pathname)) {
      if (this.token && request.headers.authorization !== `Basic ${Buffer.from(`x-access-token:${this.token}`).toString("base64")}`) {
        response.writeHead(401, { "www-authenticate": 'Basic realm="GitHub"' }).end();
        return;
      }
      serveWithHttpBackend(this.gitRoot, request, response);
      return;
    }
    this.requests.push(`${request.method} ${url.pathname}${url.search}`);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(body));
    if (this.token && request.headers.authorization !== `token ${this.token}`) {
      json(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
      return;
    }
    const failure = this.dueFailure(url.pathname);
    if (failure) {
      json(failure.status, { message: failure.message, documentation_url: "https://docs.github.com/rest" }, failure.headers);
      return;
    }
    const match = /^\/repos\/([^/]+)\/([^/]+)\/(issues|pulls)(?:\/(\d+))?(\/comments)?$/.exec(url.pathname);
    if (!match || request.method !== "GET") {
      json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      return;
    }
    const [, owner, repo, collection, number, comments] = match;
    const issues = this.repository(owner!, repo!);
    if (collection === "issues" && !number) {
      this.list(url, owner!, repo!, [...issues.values()], response);
      return;
    }
    const issue = issues.get(Number(number));
    if (!issue || (collection === "pulls" && !issue.pullRequest)) {
      json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      return;
    }
    if (!comments) json(200, this.issueJson(owner!, repo!, issue));
    else if (collection === "issues") json(200, (issue.comments ?? []).map((comment) => this.commentJson(owner!, repo!, issue, comment)));
    else json(200, (issue.reviewComments ?? []).map((comment) => this.reviewCommentJson(owner!, repo!, issue, comment)));
  }

  /** GET /repos/{owner}/{repo}/issues: state=all, sort=updated, direction=asc, since, per_page, page; a Link header to the next page. */
  private list(url: URL, owner: string, repo: string, all: StoredIssue[], response: ServerResponse): void {
    const since = url.searchParams.get("since");
    const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
    const page = Number(url.searchParams.get("page") ?? 1);
    const matching = all.filter((issue) => !since || issue.updatedAt >= since).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.number - b.number);
    const slice = matching.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    if (page * perPage < matching.length) {
      const next = new URL(url);
      next.searchParams.set("page", String(page + 1));
      headers.link = `<${next.href}>; rel="next"`;
    }
    response.writeHead(200, headers).end(JSON.stringify(slice.map((issue) => this.issueJson(owner, repo, issue))));
  }

  private htmlUrl(owner: string, repo: string, issue: StoredIssue): string {
    return `${this.url}/${owner}/${repo}/${issue.pullRequest ? "pull" : "issues"}/${issue.number}`;
  }

  private issueJson(owner: string, repo: string, issue: StoredIssue) {
    const api = `${this.url}/repos/${owner}/${repo}`;
    return {
      url: `${api}/issues/${issue.number}`,
      repository_url: api,
      html_url: this.htmlUrl(owner, repo, issue),
      id: 1_000_000 + issue.number,
      node_id: `I_${issue.number}`,
      number: issue.number,
      title: issue.title,
      user: { login: issue.user, id: 1, type: "User" },
      labels: [],
      state: issue.state,
      locked: false,
      comments: issue.comments?.length ?? 0,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.state === "closed" ? issue.updatedAt : null,
      author_association: "MEMBER",
      body: issue.body,
      ...(issue.pullRequest
        ? { pull_request: { url: `${api}/pulls/${issue.number}`, html_url: this.htmlUrl(owner, repo, issue), diff_url: `${this.htmlUrl(owner, repo, issue)}.diff`, patch_url: `${this.htmlUrl(owner, repo, issue)}.patch` } }
        : {}),
    };
  }

  private commentJson(owner: string, repo: string, issue: StoredIssue, comment: FakeGitHubComment) {
    return {
      url: `${this.url}/repos/${owner}/${repo}/issues/comments/${comment.id}`,
      html_url: `${this.htmlUrl(owner, repo, issue)}#issuecomment-${comment.id}`,
      issue_url: `${this.url}/repos/${owner}/${repo}/issues/${issue.number}`,
      id: comment.id,
      user: { login: comment.user, id: 2, type: "User" },
      created_at: comment.createdAt,
      updated_at: comment.createdAt,
      body: comment.body,
    };
  }

  private reviewCommentJson(owner: string, repo: string, issue: StoredIssue, comment: FakeGitHubComment) {
    return {
      url: `${this.url}/repos/${owner}/${repo}/pulls/comments/${comment.id}`,
      html_url: `${this.htmlUrl(owner, repo, issue)}#discussion_r${comment.id}`,
      pull_request_url: `${this.url}/repos/${owner}/${repo}/pulls/${issue.number}`,
      id: comment.id,
      path: comment.path ?? "",
      line: comment.line ?? null,
      user: { login: comment.user, id: 3, type: "User" },
      created_at: comment.createdAt,
      updated_at: comment.createdAt,
      body: comment.body,
    };
  }
}
