import { invalidArgument } from "@qamesh/errors";
import { checkText, textLimits } from "@qamesh/limits";
import { localRepositoryInsideRoots, splitGitUrlCredentials, type GitCredentials } from "@qamesh/source-safety";
import { fileURLToPath } from "node:url";
import { checkBranch, checkHost, outsideRoots } from "../source-checks.js";
import type { SourceEnvironment } from "../source-type.js";

const allowedGitSchemes = new Set(["https:", "http:", "ssh:", "git:", "file:"]);
/** user@host:path; no part may start with "-", which git or ssh would read as an option. */
const scpLikeGitUrl = /^[A-Za-z0-9._][A-Za-z0-9._-]*@([A-Za-z0-9][A-Za-z0-9.-]*):(?!-)[^\s]+$/;

export interface CheckedRepository {
  url: string;
  branch: string;
  /** Given apart, or taken out of an https URL so they are never stored or shown in it. */
  credentials: GitCredentials | undefined;
}

/**
 * A repository the workers can safely fetch: file:// repositories only inside the allowed
 * roots, judged by real path so a link inside a root that points elsewhere is refused (the
 * workers check again at every run), only git transports that cannot run commands (no ext::),
 * nothing git or ssh would take for an option, no credentials in URLs, and no host the
 * outbound policy refuses (the workers check again, and pin, at every fetch).
 */
export async function checkRepository(
  given: { url: string; branch: string; credentials: GitCredentials | undefined },
  { allowedRoots, outboundPolicy }: SourceEnvironment,
): Promise<CheckedRepository> {
  const trimmed = checkText("url", given.url.trim(), textLimits.url);
  if (!trimmed) throw invalidArgument("url", "url is required");
  if (trimmed.startsWith("-")) throw invalidArgument("url", "url must not start with '-'");
  checkBranch(given.branch);
  const { url, credentials: fromUrl } = splitGitUrlCredentials(trimmed);
  if (fromUrl && given.credentials) throw invalidArgument("credentials", "give credentials either in the URL or as credentials, not both");
  // "HEAD" names the remote's default branch, which an empty branch already means.
  const checked = { url, branch: given.branch === "HEAD" ? "" : given.branch, credentials: given.credentials ?? fromUrl };
  const scp = scpLikeGitUrl.exec(url);
  if (scp) {
    if (checked.credentials) throw invalidArgument("credentials", "credentials are only used with https git URLs; ssh uses keys");
    await checkHost("url", scp[1]!, outboundPolicy);
    return checked;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument("url", "url must be a git URL (https://, ssh://, git://, file:// or user@host:path)");
  }
  if (!allowedGitSchemes.has(parsed.protocol)) {
    throw invalidArgument("url", `url scheme ${parsed.protocol} is not allowed; use https, http, ssh, git or file`);
  }
  if (parsed.hostname.startsWith("-")) throw invalidArgument("url", "url host must not start with '-'");
  if (checked.credentials && parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw invalidArgument("credentials", "credentials are only used with https git URLs; ssh uses keys");
  }
  if (parsed.protocol === "file:") {
    if (!(await localRepositoryInsideRoots(localPathOf(parsed), allowedRoots))) throw invalidArgument("url", `file:// repository ${outsideRoots}`);
  } else {
    await checkHost("url", parsed.hostname, outboundPolicy);
  }
  return checked;
}

/** The same repository however its URL is spelled (case of the host, a trailing ".git" or "/"). */
export function normalisedGitUrl(url: string): string {
  const bare = url.replace(/\/+$/, "").replace(/\.git$/, "");
  try {
    const parsed = new URL(bare);
    return `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname}`;
  } catch {
    return bare;
  }
}

/** The path a file:// URL names; one with a host or an encoded "/" names none. */
function localPathOf(url: URL): string {
  try {
    return fileURLToPath(url);
  } catch {
    throw invalidArgument("url", "a file:// URL must name an absolute local path, with no host and no encoded '/'");
  }
}
