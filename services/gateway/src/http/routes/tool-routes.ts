import { Router } from "express";
import { namesStdioServer, stdioServerRefused } from "@qamesh/custom-tools";
import { parseInput, permissionDenied } from "@qamesh/errors";
import type { CustomTool, ToolSettings } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";
import type { AuditLog } from "../../audit/audit-log.js";
import type { Peers } from "../../peers.js";
import { authorizedProjectId } from "../auth/project-access.js";
import { requestBodies } from "../request-bodies.js";

/**
 * A custom tool as the API shows it: its definition (secret header values left out), id and
 * times; an MCP server's with how each of its tools stands.
 */
const customToolJson = (tool: CustomTool) => ({
  id: tool.id,
  projectId: tool.projectId,
  ...(JSON.parse(tool.definitionJson) as object),
  ...(tool.mcpToolsJson ? { mcpTools: JSON.parse(tool.mcpToolsJson) as unknown, ...(tool.mcpUnreachable ? { mcpUnreachable: tool.mcpUnreachable } : {}) } : {}),
  createdAt: tool.createdAt,
  updatedAt: tool.updatedAt,
});

/** A definition the routes take: a stdio MCP server is refused before anything else (403), the rest checked as a definition. */
function definitionOf(body: unknown) {
  if (namesStdioServer(body)) throw permissionDenied(stdioServerRefused);
  return parseInput(requestBodies.CustomTool, body);
}

const toolSettingsJson = (settings: ToolSettings) => ({ allowedHosts: settings.allowedHosts, policies: settings.policies.map(({ pattern, policy }) => ({ pattern, policy })) });

/**
 * The tools a project's agent may call, as tool-runtime's catalog lists them, and the project
 * admins' own tools (tool-runtime checks the definitions again and keeps their secrets).
 */
export function toolRoutes(peers: Peers, audit: AuditLog): Router {
  const router = Router();

  router.get("/v1/projects/:projectId/tools", async (request, response) => {
    const projectId = authorizedProjectId(request, "project.read");
    const { tools } = await peers.toolRuntime.listTools({ projectId });
    response.json({
      tools: tools.map((tool) => ({
        name: tool.name,
        description: tool.description,
        parameters: JSON.parse(tool.parametersJsonSchema || "{}") as unknown,
        builtIn: tool.builtIn,
        policy: tool.policy,
        ...(tool.builtIn ? {} : { id: tool.customToolId, kind: tool.kind }),
      })),
    });
  });

  router.post("/v1/projects/:projectId/tools", async (request, response) => {
    const projectId = authorizedProjectId(request, "tools.manage");
    const definition = definitionOf(request.body);
    const tool = await peers.toolRuntime.createCustomTool({ projectId, definitionJson: JSON.stringify(request.body) });
    await audit.record(request, { action: "tool.created", projectId, target: tool.id, detail: `${definition.kind} ${definition.name}` });
    response.status(201).location(`/v1/projects/${projectId}/tools/${tool.id}`).json(customToolJson(tool));
  });

  router.get("/v1/projects/:projectId/tools/:toolId", async (request, response) => {
    const tool = await peers.toolRuntime.getCustomTool({ projectId: authorizedProjectId(request, "tools.manage"), toolId: request.params.toolId });
    response.json(customToolJson(tool));
  });

  router.put("/v1/projects/:projectId/tools/:toolId", async (request, response) => {
    const projectId = authorizedProjectId(request, "tools.manage");
    const definition = definitionOf(request.body);
    const tool = await peers.toolRuntime.updateCustomTool({ projectId, toolId: request.params.toolId, definitionJson: JSON.stringify(request.body) });
    await audit.record(request, { action: "tool.updated", projectId, target: tool.id, detail: `${definition.kind} ${definition.name}, policy ${definition.policy}` });
    response.json(customToolJson(tool));
  });

  router.post("/v1/projects/:projectId/tools/:toolId/mcp-tools/:name/approval", async (request, response) => {
    const projectId = authorizedProjectId(request, "tools.manage");
    const { sha256 } = parseInput(requestBodies.McpToolApproval, request.body);
    const tool = await peers.toolRuntime.approveMcpTool({ projectId, toolId: request.params.toolId, name: request.params.name, sha256 });
    await audit.record(request, { action: "mcp-tool.approved", projectId, target: tool.id, detail: `${request.params.name} at ${sha256}` });
    response.json(customToolJson(tool));
  });

  router.delete("/v1/projects/:projectId/tools/:toolId", async (request, response) => {
    const projectId = authorizedProjectId(request, "tools.manage");
    await peers.toolRuntime.deleteCustomTool({ projectId, toolId: request.params.toolId });
    await audit.record(request, { action: "tool.deleted", projectId, target: request.params.toolId });
    response.status(204).end();
  });

  router.get("/v1/projects/:projectId/tool-settings", async (request, response) => {
    const settings = await peers.toolRuntime.getToolSettings({ projectId: authorizedProjectId(request, "tools.manage") });
    response.json(toolSettingsJson(settings));
  });

  router.put("/v1/projects/:projectId/tool-settings", async (request, response) => {
    const projectId = authorizedProjectId(request, "tools.manage");
    const { allowedHosts, policies } = parseInput(requestBodies.ToolSettings, request.body);
    const settings = await peers.toolRuntime.updateToolSettings({ projectId, settings: { allowedHosts, policies } });
    const rules = policies.map((rule) => `${rule.pattern} ${rule.policy}`).join(", ") || "none";
    await audit.record(request, { action: "tool-settings.updated", projectId, target: projectId, detail: `allowed hosts: ${allowedHosts.join(", ") || "any"}; policies: ${rules}` });
    response.json(toolSettingsJson(settings));
  });

  return router;
}
