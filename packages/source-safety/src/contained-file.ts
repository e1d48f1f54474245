import { constants } from "node:fs";
import { open, readlink, realpath, stat, type FileHandle } from "node:fs/promises";
import { isAbsolute, join, normalize } from "node:path";
import { failedPrecondition } from "@qamesh/errors";
import { isWithin } from "./allowed-roots.js";

/**
 * Reads a file of a folder without ever leaving the folder: the path is resolved with every
 * symbolic link followed and must stay inside `realRoot` (itself a real path), the file is
 * opened without following a final link, and what was opened is checked again, so a directory
 * swapped for a link between the check and the open is caught too. At most `maxBytes + 1`
 * bytes are read, so a file that grew past the limit is seen as too large without loading it.
 */
export async function readFileInside(realRoot: string, relativePath: string, maxBytes: number): Promise<Buffer> {
  const real = await realPathInside(realRoot, relativePath);
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    await confirmOpenedInside(handle, real, realRoot, relativePath);
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size, maxBytes + 1));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The real path of a directory of the folder, checked to lie inside it (for walking it). */
export async function directoryInside(realRoot: string, relativePath: string): Promise<string> {
  return realPathInside(realRoot, relativePath);
}

async function realPathInside(realRoot: string, relativePath: string): Promise<string> {
  if (isAbsolute(relativePath) || relativePath.includes("\0")) throw outside(relativePath);
  const candidate = join(realRoot, normalize(relativePath));
  if (!isWithin(candidate, realRoot)) throw outside(relativePath);
  const real = await realpath(candidate);
  if (!isWithin(real, realRoot)) throw outside(relativePath);
  return real;
}

/**
 * Linux names the file behind a descriptor in /proc; elsewhere the path is resolved again and
 * must still lead to the very file that was opened.
 */
async function confirmOpenedInside(handle: FileHandle, real: string, realRoot: string, relativePath: string): Promise<void> {
  const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
  if (opened !== undefined) {
    if (!isWithin(opened, realRoot)) throw outside(relativePath);
    return;
  }
  const [openedStat, again] = await Promise.all([handle.stat(), realpath(real)]);
  const againStat = await stat(again);
  if (!isWithin(again, realRoot) || openedStat.ino !== againStat.ino || openedStat.dev !== againStat.dev) throw outside(relativePath);
}

function outside(relativePath: string) {
  return failedPrecondition(`${relativePath} leads outside the source folder; links out of it are not followed`);
}
