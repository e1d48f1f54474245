import { failedPrecondition } from "@qamesh/errors";
import { RefusedAddressError, refusedAddressMessage, redactUrlCredentials, type OutboundPolicy } from "@qamesh/source-safety";

/** Where git fetches from, pinned to addresses the outbound policy allowed. */
export interface GitFetchTarget {
  /** The URL to give git (for git:// the checked address itself). */
  url: string;
  /** git configuration for this fetch, as key/value pairs. */
  config: [string, string][];
}

const scpLike = /^[^@/\s]+@([^:/\s]+):/;
const defaultPorts: Record<string, string> = { "http:": "80", "https:": "443", "git:": "9418", "ssh:": "22" };

/**
 * Checks every address the URL's host resolves to against the outbound policy, then makes git
 * connect to exactly those: over http(s) through curl's resolve list (so a DNS answer that
 * changes after the check cannot send git elsewhere) with redirects off (a redirect is a new,
 * unchecked address); over git:// by putting the checked address in the URL. ssh resolves on
 * its own; its host-key check makes a switched address fail rather than succeed. Local file://
 * repositories are the allowed roots' business, not this policy's.
 */
export async function pinnedFetchTarget(url: string, policy: OutboundPolicy): Promise<GitFetchTarget> {
  if (url.startsWith("file:")) return { url, config: [] };
  const scp = scpLike.exec(url);
  const parsed = scp ? undefined : new URL(url);
  const host = scp ? scp[1]! : parsed!.hostname;
  let addresses: string[];
  try {
    addresses = await policy.resolveAllowed(host);
  } catch (error) {
    if (error instanceof RefusedAddressError) throw failedPrecondition(`could not fetch ${redactUrlCredentials(url)}: its host ${refusedAddressMessage}`);
    throw failedPrecondition(`could not fetch ${redactUrlCredentials(url)}: its host name does not resolve`);
  }
  if (!parsed) return { url, config: [] };
  const bracketed = addresses.map((address) => (address.includes(":") ? `[${address}]` : address));
  const port = parsed.port || defaultPorts[parsed.protocol] || "";
  if (parsed.protocol === "http:" || parsed.protocol === "https:") {
    return { url, config: [["http.curloptResolve", `${parsed.hostname}:${port}:${bracketed.join(",")}`], ["http.followRedirects", "false"]] };
  }
  if (parsed.protocol === "git:") {
    const pinned = new URL(url);
    pinned.hostname = bracketed[0]!;
    return { url: pinned.href, config: [] };
  }
  return { url, config: [] };
}
