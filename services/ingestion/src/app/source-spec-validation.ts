import { invalidArgument } from "@qamesh/errors";
import { checkText, textLimits } from "@qamesh/limits";
import {
  localRepositoryInsideRoots,
  RefusedAddressError,
  refusedAddressMessage,
  splitGitUrlCredentials,
  type AllowedRoots,
  type GitCredentials,
  type OutboundPolicy,
} from "@qamesh/source-safety";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceSpecRecord } from "./records.js";

const allowedGitSchemes = new Set(["https:", "http:", "ssh:", "git:", "file:"]);
/** user@host:path; no part may start with "-", which git or ssh would read as an option. */
const scpLikeGitUrl = /^[A-Za-z0-9._][A-Za-z0-9._-]*@([A-Za-z0-9][A-Za-z0-9.-]*):(?!-)[^\s]+$/;
const branchName = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/;
/** The caller learns that a path is refused, never which directories the server allows. */
const outsideRoots = "is outside the directories this server allows for local sources";

export interface ValidSource {
  spec: SourceSpecRecord;
  /** For https git sources: given apart, or taken out of the URL so it is never stored or shown in it. */
  credentials: GitCredentials | undefined;
}

/**
 * A source the workers can safely read: local folders and file:// repositories only inside
 * the allowed roots, judged by real path so a link inside a root that points elsewhere is
 * refused (the workers check again at every run), only git transports that cannot run
 * commands (no ext::), nothing git or ssh would take for an option, no credentials in URLs,
 * and no host the outbound policy refuses (the workers check again, and pin, at every fetch).
 */
export async function validateSourceSpec(
  spec: SourceSpecRecord,
  credentials: GitCredentials | undefined,
  { allowedRoots, outboundPolicy }: { allowedRoots: AllowedRoots; outboundPolicy: OutboundPolicy },
): Promise<ValidSource> {
  if (spec.type === "local") {
    if (credentials) throw invalidArgument("credentials", "local sources take no credentials");
    checkText("spec.path", spec.path, textLimits.path);
    if (!spec.path || !isAbsolute(spec.path)) throw invalidArgument("spec.path", "path must be an absolute directory path");
    if (!(await allowedRoots.contains(spec.path))) throw invalidArgument("spec.path", `path ${outsideRoots}`);
    return { spec: { type: "local", path: resolve(spec.path) }, credentials: undefined };
  }
  const given = checkText("spec.url", spec.url.trim(), textLimits.url);
  if (!given) throw invalidArgument("spec.url", "url is required");
  if (given.startsWith("-")) throw invalidArgument("spec.url", "url must not start with '-'");
  if (spec.branch && !branchName.test(spec.branch)) throw invalidArgument("spec.branch", "branch is not a valid branch name");
  const { url, credentials: fromUrl } = splitGitUrlCredentials(given);
  if (fromUrl && credentials) throw invalidArgument("credentials", "give credentials either in the URL or as credentials, not both");
  // "HEAD" names the remote's default branch, which an empty branch already means.
  const branch = spec.branch === "HEAD" ? "" : spec.branch;
  const valid = { spec: { type: "git" as const, url, branch }, credentials: credentials ?? fromUrl };
  const scp = scpLikeGitUrl.exec(url);
  if (scp) {
    if (credentials) throw invalidArgument("credentials", "credentials are only used with https git URLs; ssh uses keys");
    await checkHost(scp[1]!, outboundPolicy);
    return valid;
  }
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
  if (valid.credentials && parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw invalidArgument("credentials", "credentials are only used with https git URLs; ssh uses keys");
  }
  if (parsed.protocol === "file:") {
    if (!(await localRepositoryInsideRoots(localPathOf(parsed), allowedRoots))) throw invalidArgument("spec.url", `file:// repository ${outsideRoots}`);
  } else {
    await checkHost(parsed.hostname, outboundPolicy);
  }
  return valid;
}

/**
 * Refuses a host that resolves to an address the server does not fetch from. A name that does
 * not resolve here is left to the workers, which may see other DNS.
 */
async function checkHost(host: string, outboundPolicy: OutboundPolicy): Promise<void> {
  try {
    await outboundPolicy.resolveAllowed(host);
  } catch (error) {
    if (error instanceof RefusedAddressError) throw invalidArgument("spec.url", `url ${refusedAddressMessage}`);
  }
}

/** The path a file:// URL names; one with a host or an encoded "/" names none. */
function localPathOf(url: URL): string {
  try {
    return fileURLToPath(url);
  } catch {
    throw invalidArgument("spec.url", "a file:// URL must name an absolute local path, with no host and no encoded '/'");
  }
}
