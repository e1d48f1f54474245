import { invalidArgument } from "@qamesh/errors";
import { RefusedAddressError, refusedAddressMessage, type OutboundPolicy } from "@qamesh/source-safety";

/** The caller learns that a path is refused, never which directories the server allows. */
export const outsideRoots = "is outside the directories this server allows for local sources";

/**
 * Refuses a host that resolves to an address the server does not fetch from. A name that does
 * not resolve here is left to the workers, which may see other DNS (and check again, and pin,
 * at every fetch).
 */
export async function checkHost(field: string, host: string, outboundPolicy: OutboundPolicy): Promise<void> {
  try {
    await outboundPolicy.resolveAllowed(host);
  } catch (error) {
    if (error instanceof RefusedAddressError) throw invalidArgument(field, `${field} ${refusedAddressMessage}`);
  }
}

const branchName = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/;

/** A branch name git accepts that git cannot take for an option or a range; "" (the default branch) passes. */
export function checkBranch(branch: string): void {
  if (branch && !branchName.test(branch)) throw invalidArgument("branch", "branch is not a valid branch name");
}

/**
 * A provider's base URL (an API root, a site): http(s), no credentials or query in it, its host
 * one the outbound policy allows. Returns it without a trailing "/".
 */
export async function checkBaseUrl(value: string, outboundPolicy: OutboundPolicy): Promise<string> {
  let base: URL;
  try {
    base = new URL(value);
  } catch {
    throw invalidArgument("baseUrl", "baseUrl must be an http(s) URL");
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") throw invalidArgument("baseUrl", "baseUrl must be an http(s) URL");
  if (base.username || base.password || base.search || base.hash) throw invalidArgument("baseUrl", "baseUrl must be the address alone: credentials go in the source's secrets");
  await checkHost("baseUrl", base.hostname, outboundPolicy);
  return base.href.replace(/\/+$/, "");
}
