import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeProviderServer } from "./fake-provider-server.js";
import { serveWithHttpBackend } from "./git-http-server.js";

export interface FakeGitLabNote {
  id: number;
  body: string;
  author: string;
  createdAt: string;
  /** GitLab's own notes ("changed the description"): not comments. */
  system?: boolean;
}

export interface FakeGitLabItem {
  iid: number;
  title: string;
  description: string;
  author: string;
  state: "opened" | "closed" | "merged";
  notes?: FakeGitLabNote[];
}

type Kind = "issues" | "merge_requests";
interface StoredItem extends FakeGitLabItem {
  createdAt: string;
  updatedAt: string;
}

/**
 * GitLab's REST API (v4) as far as qamesh reads it: a project, its issues and merge requests
 * (ordered by update, `updated_after`, X-Next-Page pagination) and their notes, in GitLab's JSON
 * shapes; the repositories over git's smart HTTP at `<url>/<path>.git` (fixtures at
 * `<gitRoot>/<path>.git`). With a token, the API wants `PRIVATE-TOKEN` and git the basic-auth
 * password (user oauth2). Failures can be injected.
 */
export class FakeGitLabServer extends FakeProviderServer {
  private readonly projects = new Map<string, { id: number; items: Record<Kind, Map<number, StoredItem>> }>();
  private clock = Date.now();

  private constructor(
    private readonly gitRoot: string,
    private token: string | undefined,
  ) {
    super();
  }

  static start(gitRoot: string, token?: string): Promise<FakeGitLabServer> {
    return new FakeGitLabServer(gitRoot, token).listen();
  }

  put(path: string, kind: Kind, item: FakeGitLabItem): void {
    const items = this.project(path).items[kind];
    this.clock = Math.max(Date.now(), this.clock + 1000);
    const now = new Date(this.clock).toISOString();
    items.set(item.iid, { ...item, createdAt: items.get(item.iid)?.createdAt ?? now, updatedAt: now });
  }

  delete(path: string, kind: Kind, iid: number): void {
    this.project(path).items[kind].delete(iid);
  }

  acceptToken(token: string | undefined): void {
    this.token = token;
  }

  private project(path: string) {
    let project = this.projects.get(path);
    if (!project) this.projects.set(path, (project = { id: 100 + this.projects.size, items: { issues: new Map(), merge_requests: new Map() } }));
    return project;
  }

  protected answer(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", this.url);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    if (!url.pathname.startsWith("/api/v4/")) {
      if (this.token && request.headers.authorization !== `Basic ${Buffer.from(`oauth2:${this.token}`).toString("base64")}`) {
        response.writeHead(401, { "www-authenticate": 'Basic realm="GitLab"' }).end();
        return;
      }
      serveWithHttpBackend(this.gitRoot, request, response);
      return;
    }
    this.requests.push(`${request.method} ${url.pathname}${url.search}`);
    if (this.token && request.headers["private-token"] !== this.token) {
      json(401, { message: "401 Unauthorized" });
      return;
    }
    const failure = this.dueFailure(url.pathname);
    if (failure) {
      json(failure.status, { message: failure.message }, failure.headers);
      return;
    }
    const match = /^\/api\/v4\/projects\/([^/]+)(?:\/(issues|merge_requests)(?:\/(\d+))?(\/notes)?)?$/.exec(url.pathname);
    const ref = match && decodeURIComponent(match[1]!);
    const entry = ref ? [...this.projects.entries()].find(([path, project]) => path === ref || String(project.id) === ref) : undefined;
    if (!match || !entry || request.method !== "GET") {
      json(404, { message: "404 Project Not Found" });
      return;
    }
    const [path, project] = entry;
    const [, , kind, iid, notes] = match as unknown as [string, string, Kind | undefined, string | undefined, string | undefined];
    if (!kind) {
      json(200, { id: project.id, path_with_namespace: path, default_branch: "main", web_url: `${this.url}/${path}`, http_url_to_repo: `${this.url}/${path}.git` });
      return;
    }
    const items = project.items[kind];
    if (!iid) {
      const after = url.searchParams.get("updated_after");
      const perPage = Number(url.searchParams.get("per_page") ?? 20);
      const page = Number(url.searchParams.get("page") ?? 1);
      const matching = [...items.values()].filter((item) => !after || item.updatedAt >= after).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.iid - b.iid);
      const headers: Record<string, string> = page * perPage < matching.length ? { "x-next-page": String(page + 1) } : {};
      json(200, matching.slice((page - 1) * perPage, page * perPage).map((item) => this.itemJson(path, project.id, kind, item)), headers);
      return;
    }
    const item = items.get(Number(iid));
    if (!item) json(404, { message: "404 Not found" });
    else if (!notes) json(200, this.itemJson(path, project.id, kind, item));
    else json(200, (item.notes ?? []).map((note) => ({ id: note.id, type: null, body: note.body, author: { id: 7, username: note.author, name: note.author }, created_at: note.createdAt, updated_at: note.createdAt, system: note.system ?? false, noteable_id: item.iid, noteable_type: kind === "issues" ? "Issue" : "MergeRequest", noteable_iid: item.iid })));
  }

  private itemJson(path: string, projectId: number, kind: Kind, item: StoredItem) {
    return {
      id: 5000 + item.iid,
      iid: item.iid,
      project_id: projectId,
      title: item.title,
      description: item.description,
      state: item.state,
      created_at: item.createdAt,
      updated_at: item.updatedAt,
      author: { id: 7, username: item.author, name: item.author },
      web_url: `${this.url}/${path}/-/${kind}/${item.iid}`,
      user_notes_count: (item.notes ?? []).filter((note) => !note.system).length,
    };
  }
}
