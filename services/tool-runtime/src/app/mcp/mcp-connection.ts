import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { guardedFetch, type OutboundPolicy } from "@qamesh/source-safety";

/**
 * How to reach an MCP server: a project admin's registration names a Streamable HTTP endpoint
 * (with the headers, secrets opened, it is called with); only the deployment's configuration
 * names a command to run (stdio).
 */
export type McpServerTarget =
  | { transport: "http"; url: string; headers: Record<string, string>; timeoutMs: number }
  | { transport: "stdio"; command: string; args: readonly string[]; env: Record<string, string>; timeoutMs: number };

/** A tool as the server lists it. */
export interface ListedMcpTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface McpConnectionDeps {
  /** The deployment's outbound policy, which the server's address must pass like any tool's. */
  outboundPolicy: OutboundPolicy;
}

/** Bounds on what one server may send: pages of its tool list, tools kept, bytes of one answer. */
const maxListPages = 10;
const maxTools = 200;
const maxAnswerBytes = 4_000_000;

/**
 * One conversation with an MCP server: connected for `work`, closed after (a stdio server's
 * process ends with it). Every HTTP request goes through the guarded client (the server's URL is
 * an admin's input: no internal address, the project's host allowlist, redirects checked at each
 * hop, a deadline, a size cap); a stdio server gets only the SDK's small default environment
 * (PATH, HOME...) and its configured variables, never tool-runtime's own. Each MCP request has
 * the server's timeout.
 */
export async function withMcpServer<T>(
  target: McpServerTarget,
  allowedHosts: readonly string[],
  deps: McpConnectionDeps,
  work: (server: { list(): Promise<ListedMcpTool[]>; call(name: string, args: Record<string, unknown>): ReturnType<Client["callTool"]> }) => Promise<T>,
): Promise<T> {
  const transport =
    target.transport === "stdio"
      ? new StdioClientTransport({ command: target.command, args: [...target.args], env: { ...getDefaultEnvironment(), ...target.env }, stderr: "ignore" })
      : // Redirects are the guarded fetch's to follow (and check), not the SDK's.
        new StreamableHTTPClientTransport(new URL(target.url), {
          fetch: guardedFetch({ policy: deps.outboundPolicy, allowedHosts, timeoutMs: target.timeoutMs, maxResponseBytes: maxAnswerBytes, maxRedirects: 3 }),
          requestInit: { headers: target.headers },
          redirectPolicy: "follow",
        });
  const client = new Client({ name: "qamesh-tool-runtime", version: "1.0.0" });
  const options = { timeout: target.timeoutMs };
  await client.connect(transport, options);
  try {
    return await work({
      async list() {
        const tools: ListedMcpTool[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < maxListPages && tools.length < maxTools; page++) {
          const listed = await client.listTools(cursor ? { cursor } : {}, options);
          for (const tool of listed.tools) tools.push({ name: tool.name, description: tool.description ?? "", inputSchema: tool.inputSchema as Record<string, unknown> });
          cursor = listed.nextCursor;
          if (!cursor) break;
        }
        return tools.slice(0, maxTools);
      },
      call: (name, args) => client.callTool({ name, arguments: args }, undefined, options),
    });
  } finally {
    await client.close().catch(() => undefined);
  }
}
