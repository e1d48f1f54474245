import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import { RefusedAddressError, type OutboundPolicy } from "./outbound-policy.js";

/** Thrown for a redirect: its target is a new address nobody checked, and is not followed. */
export class RedirectRefusedError extends Error {
  constructor(readonly status: number) {
    super(`the server answered with a redirect (${status}), which is not followed`);
    this.name = "RedirectRefusedError";
  }
}

/**
 * A DNS lookup for sockets (`net.connect`, http.Agent, undici) that answers only with addresses
 * the policy allows: the check happens when the connection is made, so a DNS answer that
 * changes after an earlier check cannot send it elsewhere.
 */
export function policyLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    policy.resolveAllowed(hostname).then(
      (addresses) => {
        const entries = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
        if (options.all) callback(null, entries);
        else callback(null, entries[0]!.address, entries[0]!.family);
      },
      (error: unknown) => callback(error instanceof RefusedAddressError || error instanceof Error ? error : new Error(String(error)), "", 0),
    );
  };
}

/** Node http and https agents for clients built on them (axios: jira.js, confluence.js), with the policy's lookup. */
export function outboundAgents(policy: OutboundPolicy): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const lookup = policyLookup(policy);
  return { httpAgent: new HttpAgent({ lookup }), httpsAgent: new HttpsAgent({ lookup }) };
}

/**
 * `fetch` for addresses a user named (an API base URL): every connection goes only to addresses
 * the outbound policy allows, checked when the connection is made (so a DNS answer that changes
 * after a check cannot send it elsewhere), and redirects are refused rather than followed.
 */
export function outboundFetch(policy: OutboundPolicy): typeof fetch {
  const dispatcher = new Agent({ connect: { lookup: policyLookup(policy) } });
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await undiciFetch(input as string, { ...(init as object), dispatcher, redirect: "manual" });
    if (response.status >= 300 && response.status < 400 && response.status !== 304) throw new RedirectRefusedError(response.status);
    return response;
  }) as unknown as typeof fetch;
}
