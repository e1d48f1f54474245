import { mcpServerNamePattern, toolPolicies } from "@qamesh/custom-tools";
import { z } from "zod";

const stdioServer = z
  .object({
    name: z.string().regex(mcpServerNamePattern, "name must be 2-24 lowercase letters, digits or '_', starting with a letter"),
    command: z.string().min(1, "command must not be empty"),
    args: z.array(z.string()).default([]),
    /** Variables the server gets besides the SDK's small default environment (PATH, HOME...); never tool-runtime's own. */
    env: z.record(z.string(), z.string()).default({}),
    /** Project ids whose agents get its tools, or "*" for every project. */
    projects: z.array(z.string().min(1)).min(1, "projects must name at least one project id, or \"*\""),
    policy: z.enum(toolPolicies).default("ask"),
    timeoutMs: z.number().int().min(100).max(60_000).default(15_000),
  })
  .strict();

/**
 * MCP_STDIO_SERVERS: stdio MCP servers the deployment runs (they run commands on the server, so
 * only its operators name them, never the API), as JSON:
 * `[{"name": "files", "command": "node", "args": ["/opt/mcp/files.js"], "env": {}, "projects": ["*"], "policy": "ask"}]`.
 */
export const mcpStdioServersSetting = () =>
  z
    .string()
    .default("[]")
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: "custom", message: "must be a JSON array of servers" });
        return z.NEVER;
      }
    })
    .pipe(z.array(stdioServer).refine((servers) => new Set(servers.map((server) => server.name)).size === servers.length, "server names must differ"));
