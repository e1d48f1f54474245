import { invalidArgument } from "@qamesh/errors";
import { localRepositoryInsideRoots, type AllowedRoots } from "@qamesh/source-safety";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceSpecRecord } from "./records.js";

const allowedGitSchemes = new Set(["https:", "http:", "ssh:", "git:", "file:"]);
/** user@host:path; no part may start with "-", which git or ssh would read as an option. */
const scpLikeGitUrl = /^[A-Za-z0-9._][A-Za-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9.-]*:(?!-)[^\s]+$/;
const branchName = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/;
/** The caller learns that a path is refused, never which directories the server allows. */
const outsideRoots = "is outside the directories this server allows for local sources";

/**
 * A source the workers can safely read: local folders and file:// repositories only inside
 * the allowed roots, judged by real path so a link inside a root that points elsewhere is
 * refused (the workers check again at every run), and only git transports that cannot run
 * commands (no ext::).
 */
export async function validateSourceSpec(spec: SourceSpecRecord, allowedRoots: AllowedRoots): Promise<SourceSpecRecord> {
  if (spec.type === "local") {
    if (!spec.path || !isAbsolute(spec.path)) throw invalidArgument("spec.path", "path must be an absolute directory path");
    if (!(await allowedRoots.contains(spec.path))) throw invalidArgument("spec.path", `path ${outsideRoots}`);
    return { type: "local", path: resolve(spec.path) };
  }
  const url = spec.url.trim();
  if (!url) throw invalidArgument("spec.url", "url is required");
  if (url.startsWith("-")) throw invalidArgument("spec.url", "url must not start with '-'");
  if (spec.branch && !branchName.test(spec.branch)) throw invalidArgument("spec.branch", "branch is not a valid branch name");
  if (scpLikeGitUrl.test(url)) return { type: "git", url, branch: spec.branch };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument("spec.url", "url must be a git URL (https://, ssh://, git://, file:// or user@host:path)");
  }
  if (!allowedGitSchemes.has(parsed.protocol)) {
    throw invalidArgument("spec.url", `url scheme ${parsed.protocol} is not allowed; use https, http, ssh, git or file`);
  }
  if (parsed.hostname.startsWith("-")) throw invalidArgument("spec.url", "url host must not start with '-'");
  if (parsed.protocol === "file:" && !(await localRepositoryInsideRoots(localPathOf(parsed), allowedRoots))) {
    throw invalidArgument("spec.url", `file:// repository ${outsideRoots}`);
  }
  return { type: "git", url, branch: spec.branch };
}

/** The path a file:// URL names; one with a host or an encoded "/" names none. */
function localPathOf(url: URL): string {
  try {
    return fileURLToPath(url);
  } catch {
    throw invalidArgument("spec.url", "a file:// URL must name an absolute local path, with no host and no encoded '/'");
  }
}
