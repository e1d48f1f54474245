import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/** What callers are told: that the address is refused, never what (if anything) answers there. */
export const refusedAddressMessage =
  "points to a loopback, private, link-local or otherwise internal address, which this server does not fetch from";

export class RefusedAddressError extends Error {
  constructor(readonly host: string) {
    super(`${host} ${refusedAddressMessage}`);
    this.name = "RefusedAddressError";
  }
}

/**
 * Which network addresses the server may connect to when it fetches something a user named (a
 * git URL today; HTTP tools later). Only public unicast addresses, unless the deployment allows
 * more networks (on-premise git servers, say) — never a project admin. Loopback, private,
 * link-local (and with it the cloud metadata address), carrier-grade NAT, unspecified, and
 * IPv6 forms that embed IPv4 are refused; IPv4-mapped IPv6 counts as its IPv4 address.
 */
export class OutboundPolicy {
  private readonly allowedNetworks: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  /**
   * `allowedNetworks`: CIDRs the deployment opens on top of the public internet. `resolve`:
   * the name resolver (the system's; a test gives one whose answers it controls).
   */
  constructor(
    allowedNetworks: readonly string[] = [],
    private readonly resolve: (host: string) => Promise<string[]> = systemResolve,
  ) {
    this.allowedNetworks = allowedNetworks.map((cidr) => ipaddr.parseCIDR(cidr));
  }

  allowsAddress(address: string): boolean {
    if (!ipaddr.isValid(address)) return false;
    const parsed = ipaddr.process(address);
    if (parsed.range() === "unicast") return true;
    return this.allowedNetworks.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits));
  }

  /**
   * Every address `host` resolves to (an IP literal, in any notation, stands for itself), all
   * of which must be allowed: one refused
   * address refuses the host, since the connection may go to any of them. Throws
   * RefusedAddressError, or the resolver's error when the name does not resolve.
   */
  async resolveAllowed(host: string): Promise<string[]> {
    const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
    const addresses = ipaddr.isValid(bare) ? [ipaddr.parse(bare).toString()] : await this.resolve(bare);
    if (addresses.length === 0 || !addresses.every((address) => this.allowsAddress(address))) throw new RefusedAddressError(host);
    return addresses;
  }
}

/** The system resolver, as git, curl and ssh use it (so IP literals in any notation come out normalised). */
async function systemResolve(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
}

/** Parses `OUTBOUND_ALLOWED_NETWORKS`-style lists; throws naming the first bad entry. */
export function parseNetworkList(value: string): string[] {
  const networks = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const network of networks) {
    if (!ipaddr.isValidCIDR(network)) throw new Error(`"${network}" is not a network in CIDR notation (such as 10.20.0.0/16)`);
  }
  return networks;
}
