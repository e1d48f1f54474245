import { failedPrecondition } from "@qamesh/errors";
import { outboundFetch } from "@qamesh/source-safety";
import { GitRepositoryReader } from "../git/git-repository-reader.js";
import { NotFoundAnswer, RestClient } from "../http/rest-client.js";
import { laterOf } from "../listing-cursor.js";
import type { ListingPage, SourceChanges, SourceDocument, SourceReader, SourceSnapshot } from "../source-reader.js";
import type { ReaderEnvironment, SourceIdentity } from "../source-type.js";
import { gitlabDocument, gitlabDocumentKey, parseGitLabDocumentKey, type GitLabItem, type GitLabKind, type GitLabNote } from "./gitlab-documents.js";
import type { GitLabConfig } from "./gitlab-source.js";

/**
 * A GitLab project through its REST API (v4): issues (#iid) and merge requests (!iid) with their
 * notes as documents; code through git from the project's own server, with the token as the
 * password. Every request goes only to addresses the outbound policy allows; redirects and pages
 * on other servers are not followed. (Its own small client: @gitbeaker/rest ignores Retry-After.)
 */
export class GitLabReader implements SourceReader {
  private constructor(
    private readonly api: RestClient,
    private readonly config: GitLabConfig,
    private readonly projectRef: string,
    private readonly code: GitRepositoryReader | undefined,
  ) {}

  static async open(config: GitLabConfig, token: string | undefined, environment: ReaderEnvironment, source: SourceIdentity): Promise<GitLabReader> {
    const api = new RestClient({
      provider: "GitLab",
      baseUrl: `${config.baseUrl}/api/v4`,
      headers: token ? { "private-token": token } : {},
      fetch: outboundFetch(environment.outboundPolicy),
      reportWaiting: environment.reportWaiting,
    });
    const projectRef = encodeURIComponent(config.project);
    let code: GitRepositoryReader | undefined;
    if (config.include.code) {
      // A numeric id names no path; the project says what it is (the clone always goes to this same server).
      const path = /^[0-9]+$/.test(config.project) ? (await api.get<{ path_with_namespace: string }>(`/projects/${projectRef}`)).data.path_with_namespace : config.project;
      code = new GitRepositoryReader(`${config.baseUrl}/${path}.git`, config.branch, token ? { username: "oauth2", password: token } : undefined, environment, source);
    }
    return new GitLabReader(api, config, projectRef, code);
  }

  discover(): Promise<SourceSnapshot> {
    return this.code ? this.code.discover() : Promise.resolve({ commit: "", files: [] });
  }

  changesSince(commit: string): Promise<SourceChanges | undefined> {
    return this.code ? this.code.changesSince(commit) : Promise.resolve(undefined);
  }

  read(path: string, commit: string): Promise<Buffer> {
    if (!this.code) throw failedPrecondition("this source reads no code");
    return this.code.read(path, commit);
  }

  /**
   * Issues, then merge requests, updated at or after a time, oldest update first; a listing
   * resumes in the kind it had reached, from the newest update its last page held
   * (`updated_after` includes it).
   */
  async *listDocuments(updatedAfter: string | undefined, resumeFrom?: string): AsyncIterable<ListingPage> {
    const kinds: GitLabKind[] = [...(this.config.include.issues ? ["issues" as const] : []), ...(this.config.include.mergeRequests ? ["merge_requests" as const] : [])];
    const resume = parseGitLabResume(resumeFrom);
    try {
      for (const kind of kinds.slice(resume ? Math.max(0, kinds.indexOf(resume.kind)) : 0)) {
        let newest = resume?.kind === kind ? resume.newest : "";
        const since = laterOf(updatedAfter, newest);
        const query = { scope: "all", state: kind === "merge_requests" ? "all" : undefined, order_by: "updated_at", sort: "asc", per_page: 100, updated_after: since };
        for await (const page of this.api.pages<GitLabItem>(`/projects/${this.projectRef}/${kind}`, query)) {
          const documents = page.map((item) => {
            if (item.updated_at > newest) newest = item.updated_at;
            return { path: gitlabDocumentKey(kind, item.iid), version: item.updated_at, updatedAt: item.updated_at };
          });
          yield { documents, resumeFrom: JSON.stringify({ kind, newest }) };
        }
      }
    } catch (error) {
      if (error instanceof NotFoundAnswer) throw failedPrecondition(`GitLab has no project ${this.config.project}, or the token cannot see it (404)`);
      throw error;
    }
  }

  /** An issue or merge request with its notes; undefined once it is deleted or moved, or not read by this source. */
  async readDocument(path: string): Promise<SourceDocument | undefined> {
    const key = parseGitLabDocumentKey(path);
    if (!key || (key.kind === "issues" ? !this.config.include.issues : !this.config.include.mergeRequests)) return undefined;
    const base = `/projects/${this.projectRef}/${key.kind}/${key.iid}`;
    try {
      const { data: item } = await this.api.get<GitLabItem>(base);
      const notes: GitLabNote[] = [];
      for await (const page of this.api.pages<GitLabNote>(`${base}/notes`, { sort: "asc", order_by: "created_at", per_page: 100 })) notes.push(...page);
      return gitlabDocument(key.kind, item, notes);
    } catch (error) {
      if (error instanceof NotFoundAnswer) return undefined;
      throw error;
    }
  }
}

/** Where a GitLab listing resumes: the kind it was listing and the newest update it had seen of it. */
function parseGitLabResume(resumeFrom: string | undefined): { kind: GitLabKind; newest: string } | undefined {
  if (!resumeFrom) return undefined;
  try {
    const parsed = JSON.parse(resumeFrom) as { kind?: unknown; newest?: unknown };
    if ((parsed.kind === "issues" || parsed.kind === "merge_requests") && typeof parsed.newest === "string") return { kind: parsed.kind, newest: parsed.newest };
  } catch {
    // Not ours: list from the start.
  }
  return undefined;
}
