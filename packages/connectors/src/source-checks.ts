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
