import { Agent as HttpAgent, type AgentOptions } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { LookupFunction, NetConnectOpts, Socket } from "node:net";
import ipaddr from "ipaddr.js";
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

/**
 * Throws when `host` is an IP literal the policy refuses. Sockets look up names only: an IP
 * literal (`http://127.1/`, a redirect to `http://169.254.169.254/`) goes straight to its
 * address, so it is checked here as the address it is.
 */
export function refuseAddressLiteral(host: string, policy: OutboundPolicy): void {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (ipaddr.isValid(bare) && !policy.allowsAddress(bare)) throw new RefusedAddressError(host);
}

type CreateConnection = (options: NetConnectOpts & { host?: string }, callback: (error: Error | null, socket?: Socket) => void) => Socket | undefined;

/** An agent whose connections go only to addresses the policy allows: names by the lookup, literals checked first. */
function guardedAgent<A extends HttpAgent | HttpsAgent>(AgentClass: new (options: AgentOptions) => A, policy: OutboundPolicy): A {
  const agent = new AgentClass({ lookup: policyLookup(policy) });
  const create = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (options, callback) => {
    try {
      refuseAddressLiteral(options.host ?? "", policy);
    } catch (error) {
      // Reported through the callback, so the request emits it as its error.
      callback(error as Error);
      return undefined;
    }
    return create(options, callback);
  };
  return agent;
}

/** Node http and https agents for clients built on them (axios: jira.js, confluence.js), with the policy applied to every connection. */
export function outboundAgents(policy: OutboundPolicy): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  return { httpAgent: guardedAgent(HttpAgent, policy), httpsAgent: guardedAgent(HttpsAgent, policy) };
}

/**
 * `fetch` for addresses a user named (an API base URL): every connection goes only to addresses
 * the outbound policy allows, checked when the connection is made (so a DNS answer that changes
 * after a check cannot send it elsewhere), and redirects are refused rather than followed.
 */
export function outboundFetch(policy: OutboundPolicy): typeof fetch {
  const dispatcher = new Agent({ connect: { lookup: policyLookup(policy) } });
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    try {
      refuseAddressLiteral(url.hostname, policy);
    } catch (error) {
      // As undici reports a refused lookup.
      throw new TypeError("fetch failed", { cause: error });
    }
    const response = await undiciFetch(input as string, { ...(init as object), dispatcher, redirect: "manual" });
    if (response.status >= 300 && response.status < 400 && response.status !== 304) throw new RedirectRefusedError(response.status);
    return response;
  }) as unknown as typeof fetch;
}
