import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { AppError, failedPrecondition } from "@qamesh/errors";
import { outboundFetch, RedirectRefusedError } from "@qamesh/source-safety";
import { GitRepositoryReader } from "../git/git-repository-reader.js";
import { laterOf } from "../listing-cursor.js";
import type { ListingPage, SourceChanges, SourceDocument, SourceReader, SourceSnapshot } from "../source-reader.js";
import type { ReaderEnvironment, SourceIdentity } from "../source-type.js";
import { githubDocument, githubDocumentKey, githubDocumentNumber, type GitHubComment, type GitHubItem } from "./github-documents.js";
import type { GitHubConfig } from "./github-source.js";

const ThrottledOctokit = Octokit.plugin(throttling, retry);
type Client = InstanceType<typeof ThrottledOctokit>;

/** How often a rate limit is waited out before a request fails. */
const maxRateLimitWaits = 5;

/**
 * A GitHub repository through its REST API (@octokit/rest, with the throttling plugin waiting
 * out primary and secondary rate limits as GitHub documents them and the retry plugin retrying
 * server errors). Code is read through git from the repository's clone URL, with the token as
 * the password; issues and pull requests, with their comments, are documents keyed "#<number>".
 * Every request goes only to addresses the outbound policy allows, and redirects are not followed.
 */
export class GitHubReader implements SourceReader {
  private constructor(
    private readonly client: Client,
    private readonly config: GitHubConfig,
    private readonly code: GitRepositoryReader | undefined,
  ) {}

  static async open(config: GitHubConfig, token: string | undefined, environment: ReaderEnvironment, source: SourceIdentity): Promise<GitHubReader> {
    const client = new ThrottledOctokit({
      ...(token ? { auth: token } : {}),
      baseUrl: config.baseUrl,
      userAgent: "qamesh",
      request: { fetch: outboundFetch(environment.outboundPolicy) },
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      throttle: {
        onRateLimit: (retryAfter, _options, _octokit, retryCount) => waitOut(environment, retryAfter, retryCount, "GitHub's rate limit is used up"),
        onSecondaryRateLimit: (retryAfter, _options, _octokit, retryCount) => waitOut(environment, retryAfter, retryCount, "GitHub asked to slow down (secondary rate limit)"),
      },
      retry: { retries: 3 },
    });
    const code = config.include.code
      ? new GitRepositoryReader(cloneUrl(config), config.branch, token ? { username: "x-access-token", password: token } : undefined, environment, source)
      : undefined;
    return new GitHubReader(client, config, code);
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
   * Issues and pull requests (one listing on GitHub) updated at or after a time, oldest update
   * first; a listing resumes from the newest update its last page held (`since` includes it).
   */
  async *listDocuments(updatedAfter: string | undefined, resumeFrom?: string): AsyncIterable<ListingPage> {
    if (!this.config.include.issues && !this.config.include.pullRequests) return;
    const since = laterOf(updatedAfter, resumeFrom);
    const listing = this.client.paginate.iterator(this.client.rest.issues.listForRepo, {
      owner: this.config.owner,
      repo: this.config.repo,
      state: "all",
      sort: "updated",
      direction: "asc",
      per_page: 100,
      ...(since ? { since } : {}),
    });
    let newest = resumeFrom ?? "";
    for await (const page of this.guarded(() => listing)) {
      const documents = [];
      for (const item of page.data as GitHubItem[]) {
        if (item.updated_at > newest) newest = item.updated_at;
        if (this.reads(item)) documents.push({ path: githubDocumentKey(item.number), version: item.updated_at, updatedAt: item.updated_at });
      }
      yield { documents, resumeFrom: newest };
    }
  }

  /** An issue or pull request with its comments; undefined once it is deleted, transferred or not read by this source. */
  async readDocument(path: string): Promise<SourceDocument | undefined> {
    const number = githubDocumentNumber(path);
    if (number === undefined) return undefined;
    const { owner, repo } = this.config;
    const item = await this.request(async () => (await this.client.rest.issues.get({ owner, repo, issue_number: number })).data as GitHubItem);
    if (!item || !this.reads(item)) return undefined;
    const comments = (await this.request(() => this.client.paginate(this.client.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 }))) ?? [];
    const reviewComments = item.pull_request
      ? ((await this.request(() => this.client.paginate(this.client.rest.pulls.listReviewComments, { owner, repo, pull_number: number, per_page: 100 }))) ?? [])
      : [];
    return githubDocument(item, comments as GitHubComment[], reviewComments as GitHubComment[]);
  }

  private reads(item: GitHubItem): boolean {
    return item.pull_request ? this.config.include.pullRequests : this.config.include.issues;
  }

  /** A request whose 404 or 410 (or a move: GitHub redirects transferred issues) means "gone": undefined. */
  private async request<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RedirectRefusedError || [404, 410].includes(statusOf(error))) return undefined;
      throw providerError(error);
    }
  }

  private async *guarded<T>(iterable: () => AsyncIterable<T>): AsyncIterable<T> {
    try {
      yield* iterable();
    } catch (error) {
      throw providerError(error);
    }
  }
}

/** The git URL of the repository: github.com for the public API, the server itself for Enterprise. */
function cloneUrl(config: GitHubConfig): string {
  const base = new URL(config.baseUrl);
  const web = base.hostname === "api.github.com" ? "https://github.com" : base.origin;
  return `${web}/${config.owner}/${config.repo}.git`;
}

/** Waits a rate limit out (the run says so) a few times; then the request fails. */
function waitOut(environment: ReaderEnvironment, retryAfterSeconds: number, retryCount: number, reason: string): boolean {
  if (retryCount >= maxRateLimitWaits) return false;
  environment.reportWaiting?.(retryAfterSeconds, reason);
  return true;
}

const statusOf = (error: unknown) => (typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : 0);

/** GitHub's refusals in words for the run: a bad token ends it with a clear reason. */
function providerError(error: unknown): Error {
  const status = statusOf(error);
  if (status === 401) return failedPrecondition("GitHub refused the token (401 Bad credentials): give the source a valid token");
  if (status === 403) return failedPrecondition("GitHub refused access (403): the token cannot read this repository, or the rate limit stayed exhausted");
  if (status === 404) return failedPrecondition("GitHub has no such repository, or the token cannot see it (404)");
  if (error instanceof RedirectRefusedError) return failedPrecondition("GitHub redirected (the repository moved?); redirects are not followed: update owner and repo");
  if (status >= 500) return new AppError("unavailable", `GitHub answered ${status} through every retry`);
  return error instanceof Error ? error : new Error(String(error));
}
