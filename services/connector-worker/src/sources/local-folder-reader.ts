import ignore, { type Ignore } from "ignore";
import { readFile, readdir, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { failedPrecondition } from "@qamesh/errors";
import { gitBlobHash } from "./git-blob-hash.js";
import type { DiscoveredFile, SourceReader, SourceSnapshot } from "./source-reader.js";

/** Directories that are never project content. */
const alwaysIgnored = ["node_modules/", ".git/", "dist/", "build/", "coverage/", ".turbo/", ".venv/", "__pycache__/"];

/**
 * A folder on the worker's disk. Honours the folder's top-level .gitignore, so the demo
 * (which indexes this repository) skips data and build output. Files larger than
 * `maxFileBytes` are listed with their size but not read.
 */
export class LocalFolderReader implements SourceReader {
  private readonly root: string;

  constructor(root: string, private readonly maxFileBytes: number) {
    this.root = resolve(root);
  }

  async discover(): Promise<SourceSnapshot> {
    const rootStat = await stat(this.root).catch(() => undefined);
    if (!rootStat?.isDirectory()) throw failedPrecondition(`local source ${this.root} is not a readable directory`);
    const rules = ignore().add(alwaysIgnored);
    const gitignore = await readFile(join(this.root, ".gitignore"), "utf8").catch(() => "");
    rules.add(gitignore);
    const files: DiscoveredFile[] = [];
    await this.walk(this.root, rules, files);
    files.sort((a, b) => a.path.localeCompare(b.path));
    return { commit: "", files };
  }

  async read(path: string): Promise<Buffer> {
    const target = resolve(this.root, path);
    if (!target.startsWith(this.root + sep)) throw failedPrecondition(`${path} is outside the source folder`);
    return readFile(target);
  }

  private async walk(directory: string, rules: Ignore, files: DiscoveredFile[]): Promise<void> {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const full = join(directory, entry.name);
      const path = relative(this.root, full).split(sep).join("/");
      if (entry.isDirectory()) {
        if (!rules.ignores(`${path}/`)) await this.walk(full, rules, files);
      } else if (entry.isFile() && !rules.ignores(path)) {
        const { size } = await stat(full);
        const contentHash = size > this.maxFileBytes ? `size:${size}` : gitBlobHash(await readFile(full));
        files.push({ path, contentHash, size });
      }
    }
  }
}
