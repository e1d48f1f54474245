import { realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";

/** True when `path` is `directory` itself or lies below it. Both must be absolute and normalised. */
export function isWithin(path: string, directory: string): boolean {
  const fromDirectory = relative(directory, path);
  return fromDirectory === "" || (!fromDirectory.startsWith("..") && !isAbsolute(fromDirectory));
}

/**
 * The real path of `path` with every symbolic link resolved. A path that does not exist (yet)
 * resolves through its deepest existing ancestor, so a folder that will be created later is
 * judged by where it would really be.
 */
export async function resolveRealPath(path: string): Promise<string> {
  const absolute = resolve(path);
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    try {
      return join(await realpath(existing), ...missing.reverse());
    } catch (error) {
      const parent = dirname(existing);
      if (parent === existing || !isMissing(error)) throw error;
      missing.push(basename(existing));
      existing = parent;
    }
  }
}

/**
 * Where local sources may live. Roots and candidates are compared by real path, so a symbolic
 * link inside a root that points elsewhere is outside, and a root that is itself a link is
 * judged by its target.
 */
export class AllowedRoots {
  constructor(private readonly roots: readonly string[]) {}

  /** The real path of `path` when it lies inside a root, else undefined. */
  async realPathInside(path: string): Promise<string | undefined> {
    const real = await resolveRealPath(path);
    for (const root of this.roots) {
      const realRoot = await resolveRealPath(root).catch(() => undefined);
      if (realRoot !== undefined && isWithin(real, realRoot)) return real;
    }
    return undefined;
  }

  async contains(path: string): Promise<boolean> {
    return (await this.realPathInside(path)) !== undefined;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}
