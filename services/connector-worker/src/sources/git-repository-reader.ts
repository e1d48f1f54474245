import { createHash } from "node:crypto";
import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { simpleGit, type SimpleGit } from "simple-git";
import { failedPrecondition } from "@qamesh/errors";
import { localRepositoryInsideRoots, type AllowedRoots } from "@qamesh/source-safety";
import type { DiscoveredFile, SourceReader, SourceSnapshot } from "./source-reader.js";

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

  constructor(
    private readonly url: string,
    private readonly branch: string,
    cacheDirectory: string,
    private readonly allowedRoots: AllowedRoots,
  ) {
    this.directory = join(cacheDirectory, createHash("sha256").update(url).digest("hex").slice(0, 24) + ".git");
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

  async read(path: string, commit: string): Promise<Buffer> {
    if (!(await stat(join(this.directory, "HEAD")).catch(() => undefined)) || !(await this.hasCommit(commit))) await withRepositoryLock(this.directory, () => this.fetch());
    return this.repo().showBuffer([`${commit}:${path}`]);
  }

  /** simple-git insists its directory exists, so the bare repository is created first. */
  private repo(): SimpleGit {
    return simpleGit({ baseDir: this.directory, maxConcurrentProcesses: 4 }).env(gitEnvironment());
  }

  private async fetch(): Promise<string> {
    await this.checkLocalRepository();
    if (!(await stat(join(this.directory, "HEAD")).catch(() => undefined))) {
      await mkdir(this.directory, { recursive: true });
      await this.repo().init(true);
    }
    const source = this.branch ? `refs/heads/${this.branch}` : "HEAD";
    try {
      await this.repo().fetch(["--no-tags", "--depth=1", "--end-of-options", this.url, `+${source}:${this.ref}`]);
    } catch (error) {
      throw failedPrecondition(`could not fetch ${this.branch ? `branch ${this.branch} of ` : ""}${this.url}: ${gitMessage(error)}`);
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
function gitEnvironment(): Record<string, string> {
  const passThrough = ["PATH", "HOME", "SSH_AUTH_SOCK", "GIT_SSH_COMMAND", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"];
  const environment: Record<string, string> = { GIT_ALLOW_PROTOCOL: allowedProtocols, GIT_TERMINAL_PROMPT: "0" };
  for (const name of passThrough) {
    const value = process.env[name];
    if (value !== undefined) environment[name] = value;
  }
  return environment;
}

/** git's own explanation, without the command line simple-git prefixes. */
function gitMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("hint:"));
  return (lines.find((line) => line.startsWith("fatal:")) ?? lines[0] ?? "git failed").replace(/^fatal:\s*/, "");
}
