import ignore, { type Ignore } from "ignore";
import { lstat, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { failedPrecondition, isAppError } from "@qamesh/errors";
import { directoryInside, readFileInside, type AllowedRoots } from "@qamesh/source-safety";
import { gitBlobHash } from "../git-blob-hash.js";
import type { DiscoveredFile, SourceReader, SourceSnapshot } from "../source-reader.js";

/** Directories that are never project content. */
const alwaysIgnored = ["node_modules/", ".git/", "dist/", "build/", "coverage/", ".turbo/", ".venv/", "__pycache__/"];

/**
 * A folder on the worker's disk. Honours the folder's top-level .gitignore, so the demo
 * (which indexes this repository) skips data and build output. Files larger than
 * `maxFileBytes` are listed with their size but not read.
 *
 * Nothing outside the folder is ever read: the folder's real path is checked against the
 * allowed roots on every run (roots may have been narrowed since the source was created),
 * symbolic links are not followed out of it, and every read re-checks where the file really is.
 */
export class LocalFolderReader implements SourceReader {
  private readonly root: string;
  private realRoot: Promise<string> | undefined;

  constructor(
    root: string,
    private readonly maxFileBytes: number,
    private readonly allowedRoots: AllowedRoots,
  ) {
    this.root = resolve(root);
  }

  async discover(): Promise<SourceSnapshot> {
    const realRoot = await this.checkedRealRoot();
    const rules = ignore().add(alwaysIgnored);
    const gitignore = await readFileInside(realRoot, ".gitignore", this.maxFileBytes).catch(() => undefined);
    if (gitignore) rules.add(gitignore.toString("utf8"));
    const files: DiscoveredFile[] = [];
    await this.walk(realRoot, "", rules, files);
    files.sort((a, b) => a.path.localeCompare(b.path));
    return { commit: "", files };
  }

  async read(path: string): Promise<Buffer> {
    return readFileInside(await this.checkedRealRoot(), path, this.maxFileBytes);
  }

  /** Once per reader (a run's discovery, or one batch): the folder must exist and lie inside the roots. */
  private checkedRealRoot(): Promise<string> {
    this.realRoot ??= (async () => {
      const real = await this.allowedRoots.realPathInside(this.root);
      if (real === undefined) throw failedPrecondition(`local source ${this.root} is outside the directories this server allows for local sources`);
      const kind = await lstat(real).catch(() => undefined);
      if (!kind?.isDirectory()) throw failedPrecondition(`local source ${this.root} is not a readable directory`);
      return real;
    })();
    return this.realRoot;
  }

  /** Walks real directories only: entries that are links are neither files nor directories here. */
  private async walk(realRoot: string, directory: string, rules: Ignore, files: DiscoveredFile[]): Promise<void> {
    const realDirectory = directory ? await directoryInside(realRoot, directory) : realRoot;
    for (const entry of await readdir(realDirectory, { withFileTypes: true })) {
      const path = directory ? `${directory}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!rules.ignores(`${path}/`)) await this.walk(realRoot, path, rules, files).catch(skipVanishedOrEscaped);
      } else if (entry.isFile() && !rules.ignores(path)) {
        const file = await this.describe(realRoot, path).catch(skipVanishedOrEscaped);
        if (file) files.push(file);
      }
    }
  }

  private async describe(realRoot: string, path: string): Promise<DiscoveredFile> {
    const { size } = await lstat(join(realRoot, path));
    if (size > this.maxFileBytes) return { path, contentHash: `size:${size}`, size };
    const content = await readFileInside(realRoot, path, this.maxFileBytes);
    return { path, contentHash: gitBlobHash(content), size: content.length };
  }
}

/** A file removed or replaced by a link while the folder is walked is simply not part of it. */
function skipVanishedOrEscaped(error: unknown): undefined {
  if (isAppError(error)) return undefined;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") return undefined;
  throw error;
}
