import { readFile, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { AllowedRoots } from "./allowed-roots.js";

/**
 * Whether git, fetching from the local repository at `path`, would read only inside the
 * allowed roots. Besides the folder itself (by real path), git follows a `.git` link or
 * `gitdir:` file, a worktree's `commondir` and the object `alternates` of the repository, any
 * of which can point elsewhere on the disk.
 */
export async function localRepositoryInsideRoots(path: string, roots: AllowedRoots): Promise<boolean> {
  const repository = await roots.realPathInside(path);
  if (repository === undefined) return false;
  const gitDirectory = await gitDirectoryOf(repository);
  if (!(await roots.contains(gitDirectory))) return false;
  const common = await firstLine(join(gitDirectory, "commondir"));
  const commonDirectory = common === undefined ? gitDirectory : resolveFrom(gitDirectory, common);
  if (!(await roots.contains(commonDirectory))) return false;
  const objects = join(commonDirectory, "objects");
  const alternates = (await readFile(join(objects, "info", "alternates"), "utf8").catch(() => ""))
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  for (const alternate of alternates) {
    if (!(await roots.contains(resolveFrom(objects, alternate)))) return false;
  }
  return true;
}

/** `.git` inside a work tree (a directory, a link, or a `gitdir:` file), or the bare repository itself. */
async function gitDirectoryOf(repository: string): Promise<string> {
  const dotGit = join(repository, ".git");
  const kind = await stat(dotGit).catch(() => undefined);
  if (kind === undefined) return repository;
  if (kind.isDirectory()) return dotGit;
  const pointer = (await firstLine(dotGit)) ?? "";
  const match = /^gitdir:\s*(.+)$/.exec(pointer);
  return match ? resolveFrom(repository, match[1]!) : dotGit;
}

async function firstLine(file: string): Promise<string | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  return text?.split("\n")[0]?.trim() || undefined;
}

function resolveFrom(directory: string, path: string): string {
  return isAbsolute(path) ? path : resolve(directory, path);
}
