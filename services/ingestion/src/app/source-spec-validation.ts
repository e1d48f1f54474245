import { invalidArgument } from "@qamesh/errors";
import { isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceSpecRecord } from "./records.js";

const allowedGitSchemes = new Set(["https:", "http:", "ssh:", "git:", "file:"]);
const scpLikeGitUrl = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/;
const branchName = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/;

export function isInsideAllowedRoots(path: string, allowedRoots: readonly string[]): boolean {
  const target = resolve(path);
  return allowedRoots.some((root) => {
    const fromRoot = relative(resolve(root), target);
    return fromRoot === "" || (!fromRoot.startsWith("..") && !isAbsolute(fromRoot));
  });
}

/**
 * A source the workers can safely read: local folders and file:// repositories only inside
 * the allowed roots (the server's disk is not for every admin to browse), and only git
 * transports that cannot run commands (no ext::).
 */
export function validateSourceSpec(spec: SourceSpecRecord, allowedRoots: readonly string[]): SourceSpecRecord {
  if (spec.type === "local") {
    if (!spec.path || !isAbsolute(spec.path)) throw invalidArgument("spec.path", "path must be an absolute directory path");
    if (!isInsideAllowedRoots(spec.path, allowedRoots)) {
      throw invalidArgument("spec.path", `path must be inside the allowed roots (${allowedRoots.join(", ")})`);
    }
    return { type: "local", path: resolve(spec.path) };
  }
  const url = spec.url.trim();
  if (!url) throw invalidArgument("spec.url", "url is required");
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
  if (parsed.protocol === "file:" && !isInsideAllowedRoots(fileURLToPath(parsed), allowedRoots)) {
    throw invalidArgument("spec.url", `file:// repositories must be inside the allowed roots (${allowedRoots.join(", ")})`);
  }
  return { type: "git", url, branch: spec.branch };
}
