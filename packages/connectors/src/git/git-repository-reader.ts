import { createHash } from "node:crypto";
import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { simpleGit, type SimpleGit } from "simple-git";
import { AppError, failedPrecondition } from "@qamesh/errors";
import {
  basicAuthorizationHeader,
  localRepositoryInsideRoots,
  redactUrlCredentials,
  type AllowedRoots,
  type GitCredentials,
  type OutboundPolicy,
} from "@qamesh/source-safety";
import { pinnedFetchTarget } from "./git-fetch-target.js";
import type { DiscoveredFile, SourceChanges, SourceReader, SourceSnapshot } from "../source-reader.js";
import type { ReaderEnvironment, SourceIdentity } from "../source-type.js";

/** Transports that cannot run commands on the worker (ext:: could). */
const allowedProtocols = "file:git:http:https:ssh";

/** Fetches are serialised per repository: git does not like two fetches into one directory. */
const repositoryLocks = new Map<string, Promise<unknown>>();

function withRepositoryLock<T>(directory: string, work: () => Promise<T>): Promise<T> {
  const previous = repositoryLocks.get(directory) ?? Promise.resolve();
  const next = previous.then(work, work);
  repositoryLocks.set(directory, next.catch(() => undefined));
  return next;
}

/**
 * A git repository, mirrored into a bare repository in the worker's cache. Discovery fetches
 * the branch and lists the tree at its head; reads take blobs straight from that commit, so
 * every batch of a run sees the same snapshot even if the branch moves meanwhile.
 */
export class GitRepositoryReader implements SourceReader {
  private readonly directory: string;
  private readonly ref: string;
  private readonly allowedRoots: AllowedRoots;
  private readonly outboundPolicy: OutboundPolicy;

  /**
   * `url` carries no credentials: they come apart and reach git through its environment, never
   * its command line, a URL it could echo, or the mirror's configuration. Each source has its
   * own mirror, so nothing fetched with one source's credentials is read for another.
   */
  constructor(
    private readonly url: string,
    private readonly branch: string,
    private readonly credentials: GitCredentials | undefined,
    environment: ReaderEnvironment,
    source: SourceIdentity,
  ) {
    this.allowedRoots = environment.allowedRoots;
    this.outboundPolicy = environment.outboundPolicy;
    const mirrorKey = `${source.projectId}\0${source.sourceId}\0${url}`;
    this.directory = join(environment.repositoryCacheDirectory, createHash("sha256").update(mirrorKey).digest("hex").slice(0, 24) + ".git");
    this.ref = `refs/qamesh/${branch || "HEAD"}`;
  }

  async discover(): Promise<SourceSnapshot> {
    const commit = await withRepositoryLock(this.directory, () => this.fetch());
    const listing = await this.repo().raw(["ls-tree", "-r", "-l", "-z", commit]);
    const files: DiscoveredFile[] = [];
    for (const entry of listing.split("\0")) {
      // "<mode> <type> <object> <size>\t<path>"; submodules (commit) and symlinks are not content.
      const match = /^(\d+) (\w+) ([0-9a-f]+)\s+(\d+|-)\t(.+)$/s.exec(entry);
      if (!match || match[2] !== "blob" || match[1] === "120000") continue;
      files.push({ path: match[5]!, contentHash: match[3]!, size: Number(match[4]) });
    }
    return { commit, files };
  }

  /**
   * The files that differ between `since` and the branch's head, diffed in the mirror: the
   * mirror keeps the objects of every commit it fetched, so this works after a force push too
   * (it compares trees, not history). Undefined when the mirror lacks `since`.
   */
  async changesSince(since: string): Promise<SourceChanges | undefined> {
    const commit = await withRepositoryLock(this.directory, () => this.fetch());
    if (!(await this.hasCommit(since))) return undefined;
    const changes: SourceChanges = { commit, changed: [], deleted: [] };
    if (since === commit) return changes;
    // ":<old mode> <new mode> <old object> <new object> <status>\0<path>\0" per file.
    const fields = (await this.repo().raw(["diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", since, commit])).split("\0");
    for (let index = 0; index + 1 < fields.length; index += 2) {
      const match = /^:(\d+) (\d+) [0-9a-f]+ ([0-9a-f]+) ([A-Z])/.exec(fields[index]!);
      const path = fields[index + 1]!;
      if (!match) continue;
      const [, oldMode, newMode, object, status] = match;
      const isContent = (mode: string) => mode.startsWith("100");
      if (status === "D" || !isContent(newMode!)) {
        if (isContent(oldMode!)) changes.deleted.push(path);
      } else {
        changes.changed.push({ path, contentHash: object!, size: 0 });
      }
    }
    return changes;
  }

  async read(path: string, commit: string): Promise<Buffer> {
    if (!(await stat(join(this.directory, "HEAD")).catch(() => undefined)) || !(await this.hasCommit(commit))) await withRepositoryLock(this.directory, () => this.fetch());
    return this.repo().showBuffer([`${commit}:${path}`]);
  }

  /**
   * simple-git insists its directory exists, so the bare repository is created first. `config`
   * reaches git through GIT_CONFIG_* variables, which simple-git refuses unless told the
   * environment is ours (it is: see gitEnvironment).
   */
  private repo(config: [string, string][] = []): SimpleGit {
    return simpleGit({ baseDir: this.directory, maxConcurrentProcesses: 4, unsafe: { allowUnsafeConfigEnvCount: true } }).env(gitEnvironment(config));
  }

  /**
   * Only fetches touch the network: the address is checked against the outbound policy and
   * pinned, and the credentials go along as a header for this URL only.
   */
  private async fetch(): Promise<string> {
    await this.checkLocalRepository();
    const target = await pinnedFetchTarget(this.url, this.outboundPolicy);
    if (!(await stat(join(this.directory, "HEAD")).catch(() => undefined))) {
      await mkdir(this.directory, { recursive: true });
      await this.repo().init(true);
    }
    const source = this.branch ? `refs/heads/${this.branch}` : "HEAD";
    const credentials: [string, string][] = this.credentials ? [[`http.${this.url}.extraHeader`, basicAuthorizationHeader(this.credentials)]] : [];
    try {
      await this.repo([...target.config, ...credentials]).fetch(["--no-tags", "--depth=1", "--end-of-options", target.url, `+${source}:${this.ref}`]);
    } catch (error) {
      // The caller learns what kind of failure it was, not what answered at the address: git's
      // own words (a refused port, a web page, another service) would map the network.
      const detail = redactUrlCredentials(error instanceof Error ? error.message : String(error));
      throw new AppError("failed_precondition", `could not fetch ${redactUrlCredentials(this.url)}: ${fetchFailureReason(detail, this.branch)}`, {
        cause: new Error(detail),
      });
    }
    return (await this.repo().revparse([this.ref])).trim();
  }

  /**
   * A file:// repository must lie inside the allowed roots by real path, checked at every fetch:
   * links may have changed, and the roots may have been narrowed, since the source was created.
   */
  private async checkLocalRepository(): Promise<void> {
    if (!this.url.startsWith("file:")) return;
    let path: string;
    try {
      path = fileURLToPath(this.url);
    } catch {
      throw failedPrecondition("the source's file:// URL does not name a local path");
    }
    if (!(await localRepositoryInsideRoots(path, this.allowedRoots))) {
      throw failedPrecondition(`${this.url} is outside the directories this server allows for local sources`);
    }
  }

  private async hasCommit(commit: string): Promise<boolean> {
    try {
      await this.repo().raw(["cat-file", "-e", `${commit}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * A minimal environment for git: enough to find binaries, credentials and ssh agents, with
 * command-running transports and interactive prompts switched off. (simple-git also refuses
 * to pass variables such as EDITOR through.)
 */
function gitEnvironment(config: [string, string][]): Record<string, string> {
  const passThrough = ["PATH", "HOME", "SSH_AUTH_SOCK", "GIT_SSH_COMMAND", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"];
  const environment: Record<string, string> = { GIT_ALLOW_PROTOCOL: allowedProtocols, GIT_TERMINAL_PROMPT: "0" };
  for (const name of passThrough) {
    const value = process.env[name];
    if (value !== undefined) environment[name] = value;
  }
  environment.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], index) => {
    environment[`GIT_CONFIG_KEY_${index}`] = key;
    environment[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return environment;
}

/**
 * One of two reasons for a failed fetch: credentials refused or missing, or anything else.
 * Nothing listening, a web page instead of a repository (which git reads as a repository
 * without the branch), a timeout or a TLS failure all read the same, so a run's error cannot
 * be used to tell what answers at an address.
 */
function fetchFailureReason(detail: string, branch: string): string {
  if (/authentication failed|could not read (username|password)|terminal prompts disabled|returned error: 40[13]/i.test(detail)) {
    return "the repository refused access: check the credentials";
  }
  const what = branch ? `a git repository with a branch ${branch}` : "a git repository";
  return `it could not be reached or read as ${what} (check the URL${branch ? " and the branch" : ""})`;
}
