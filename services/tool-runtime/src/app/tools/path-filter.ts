import picomatch from "picomatch";
import { invalidArgument } from "@qamesh/errors";
import type { IndexedFile } from "./indexed-files.js";

/** The files whose path matches a glob (`**` crosses folders; a pattern without "/" matches file names anywhere). */
export function filesMatching(files: readonly IndexedFile[], glob: string | undefined): IndexedFile[] {
  if (!glob) return [...files];
  let matches: (path: string) => boolean;
  try {
    matches = picomatch(glob, { dot: true, basename: !glob.includes("/") });
  } catch (error) {
    throw invalidArgument("arguments.path_glob", `not a valid glob: ${(error as Error).message}`);
  }
  return files.filter((file) => matches(file.path));
}
