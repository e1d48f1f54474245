import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { effectivePolicy, type ToolPolicy } from "@qamesh/custom-tools";
import { invalidArgument, notFound, permissionDenied } from "@qamesh/errors";
import type { CallApproval } from "@qamesh/ports";
import type { ApprovedCalls } from "./approvals/approved-calls.js";
import type { CustomToolUseCases } from "./custom/custom-tool-use-cases.js";
import { customTool, type CustomToolDeps, type SingleToolRecord } from "./custom/custom-tool.js";
import type { ToolDefinition } from "./tools/tool-definition.js";
import { isMcpRecord, type McpRecord, type McpServers } from "./mcp/mcp-servers.js";

/** A tool in a project's catalog, with what the project's policy rules make of it. */
export type CatalogTool = ToolDefinition & { policy: ToolPolicy; qualifiedName: string };

/**
 * What callers do with a project's tools: see which there are (built-in, then the project's own,
 * an MCP server's approved tools among them, each with its policy under the project's rules), and run one the policy allows (under `ask`,
 * with the chat owner's approval of that very call).
 */
export function toolUseCases(builtIn: readonly ToolDefinition[], custom: CustomToolUseCases, deps: CustomToolDeps, approved: ApprovedCalls, mcp: McpServers) {
  return {
    async list(principal: CallPrincipal, projectId: string): Promise<readonly CatalogTool[]> {
      if (!projectId) throw invalidArgument("projectId", "projectId is required");
      authorizeProject(principal, projectId, "project.read");
      const [own, settings] = await Promise.all([custom.listForProject(projectId), custom.settingsOf(projectId)]);
      // An MCP server that cannot be used (its secret headers do not open) brings no tools; the rest of the catalog stands.
      const serverTools = (record: McpRecord) => Promise.resolve().then(() => mcp.catalogTools(projectId, mcp.registered(projectId, record))).catch(() => []);
      const ownTools = await Promise.all(own.map((record) => (isMcpRecord(record) ? serverTools(record) : [customTool(record as SingleToolRecord, deps)])));
      const deployed = await Promise.all(mcp.deploymentServers(projectId).map((server) => mcp.catalogTools(projectId, server)));
      const tools = [...builtIn, ...ownTools.flat(), ...deployed.flat()];
      return tools.map((tool) => {
        const qualifiedName = tool.custom?.qualifiedName ?? tool.name;
        return { ...tool, qualifiedName, policy: effectivePolicy(qualifiedName, tool.custom?.policy ?? "allow", settings.policies ?? []) };
      });
    },

    /** Runs a tool the project's policy allows; each tool authorizes what it does itself (semantic_search: the permission to search). */
    async invoke(principal: CallPrincipal, projectId: string, name: string, args: Record<string, unknown>, approval?: CallApproval): ReturnType<ToolDefinition["run"]> {
      const tool = (await this.list(principal, projectId)).find((candidate) => candidate.name === name);
      if (!tool) throw notFound(`no tool named "${name}"`);
      if (tool.policy === "deny") throw permissionDenied(`the project's policy does not allow the tool ${name}`);
      if (tool.policy === "ask") await approved.redeem(principal, projectId, name, args, approval);
      return tool.run(principal, projectId, args);
    },
  };
}

export type ToolUseCases = ReturnType<typeof toolUseCases>;
