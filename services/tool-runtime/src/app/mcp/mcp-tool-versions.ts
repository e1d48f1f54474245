import { createHash } from "node:crypto";
import { canonicalJson } from "@qamesh/custom-tools";
import type { StoredDocument } from "@qamesh/ports";
import type { ListedMcpTool } from "./mcp-connection.js";

/**
 * The version of one MCP server's tool an admin approved (registering the server approves the
 * tools it had then): what the model is shown of it, and the hash of the definition it came from.
 */
export interface McpToolVersionRecord extends StoredDocument {
  /** The server's registration (a custom tool's id). */
  serverId: string;
  tool: string;
  sha256: string;
  description: string;
  inputSchema: Record<string, unknown>;
  approvedBy: string;
  approvedAt: string;
}

export const mcpToolVersionsCollection = "mcp_tool_versions";

export const mcpToolVersionId = (serverId: string, tool: string) => `${serverId}:${tool}`;

/** The hash of a tool's definition: name, description and input schema, as canonical JSON. */
export const definitionDigest = (tool: ListedMcpTool) => createHash("sha256").update(canonicalJson({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema })).digest("hex");

/**
 * How one of a server's tools stands: `approved` (the server's definition is the approved one:
 * the agent may use it), `changed` (its description or schema changed upstream: left out until
 * an admin approves the new version), `new` (never approved), `removed` (approved, no longer
 * listed by the server).
 */
export interface McpToolState {
  name: string;
  /** What policies match: mcp:<server>:<tool>. */
  qualifiedName: string;
  /** What the model calls it. */
  modelName: string;
  status: "approved" | "changed" | "new" | "removed";
  approved: { sha256: string; description: string; approvedBy: string; approvedAt: string } | null;
  current: { sha256: string; description: string; inputSchema: Record<string, unknown> } | null;
}

export function toolStates(server: string, listed: readonly ListedMcpTool[], versions: readonly McpToolVersionRecord[]): McpToolState[] {
  const approvedOf = new Map(versions.map((version) => [version.tool, version]));
  const states: McpToolState[] = listed.map((tool) => {
    const sha256 = definitionDigest(tool);
    const approved = approvedOf.get(tool.name);
    return {
      ...names(server, tool.name),
      status: !approved ? "new" : approved.sha256 === sha256 ? "approved" : "changed",
      approved: approved ? approvedPart(approved) : null,
      current: { sha256, description: tool.description, inputSchema: tool.inputSchema },
    };
  });
  const listedNames = new Set(listed.map((tool) => tool.name));
  for (const version of versions) {
    if (!listedNames.has(version.tool)) states.push({ ...names(server, version.tool), status: "removed", approved: approvedPart(version), current: null });
  }
  return states;
}

const approvedPart = ({ sha256, description, approvedBy, approvedAt }: McpToolVersionRecord) => ({ sha256, description, approvedBy, approvedAt });

const names = (server: string, tool: string) => ({ name: tool, qualifiedName: `mcp:${server}:${tool}`, modelName: modelFacingName(server, tool) });

/**
 * `<server>__<tool>`, within what every provider accepts as a function name (^[a-zA-Z0-9_-]{1,64}$):
 * other characters become `_`, and a name too long is cut and ends with a hash of the whole, so
 * two long names stay apart.
 */
export function modelFacingName(server: string, tool: string): string {
  const name = `${server}__${tool.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
  if (name.length <= 64) return name;
  return `${name.slice(0, 55)}_${createHash("sha256").update(tool).digest("hex").slice(0, 8)}`;
}
