import { chunkReference } from "@qamesh/ports";
import { create } from "@bufbuild/protobuf";
import type { ServiceImplementation } from "@qamesh/grpc";
import { invalidArgument, toAppError } from "@qamesh/errors";
import { SourceReferenceSchema } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
import type { ToolRuntimeService } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";
import { callPrincipal } from "@qamesh/mesh-auth";
import type { CallPrincipal } from "@qamesh/authorization";
import { isDeploymentServerId } from "../app/mcp/mcp-servers.js";
import { searchFilter, semanticSearch, type SemanticSearchDeps } from "../app/tools/semantic-search.js";
import type { ToolUseCases } from "../app/tool-use-cases.js";
import { publicDefinition, type CustomToolUseCases } from "../app/custom/custom-tool-use-cases.js";
import type { CustomToolRecord, ToolSettingsRecord } from "../app/custom/custom-tool-records.js";
import type { ToolPolicy } from "@qamesh/custom-tools";

export function toolRuntimeHandlers(deps: SemanticSearchDeps, tools: ToolUseCases, custom: CustomToolUseCases): ServiceImplementation<typeof ToolRuntimeService> {
  const customToolMessage = async (record: CustomToolRecord) => {
    let mcp = { mcpToolsJson: "", mcpUnreachable: "" };
    try {
      const states = await custom.mcpToolStates(record);
      if (states) mcp = { ...mcp, mcpToolsJson: JSON.stringify(states) };
    } catch (error) {
      mcp = { ...mcp, mcpToolsJson: "[]", mcpUnreachable: toAppError(error).message };
    }
    return {
      id: record.id,
      projectId: record.projectId,
      definitionJson: JSON.stringify(publicDefinition(record)),
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      ...mcp,
    };
  };
  /** One of the project's own tools, or a stdio MCP server the deployment gives it (`config:<name>`). */
  const toolMessage = async (principal: CallPrincipal, projectId: string, toolId: string) => {
    if (!isDeploymentServerId(toolId)) return customToolMessage(await custom.get(principal, projectId, toolId));
    const { definition, states, unreachable } = await custom.deploymentServer(principal, projectId, toolId);
    return { id: toolId, projectId, definitionJson: JSON.stringify(definition), createdAt: "", updatedAt: "", mcpToolsJson: JSON.stringify(states ?? []), mcpUnreachable: unreachable };
  };
  return {
    async listTools(request, context) {
      return {
        tools: (await tools.list(callPrincipal(context.values), request.projectId)).map((tool) => ({
          name: tool.name,
          description: tool.description,
          parametersJsonSchema: JSON.stringify(tool.parametersJsonSchema),
          builtIn: !tool.custom,
          customToolId: tool.custom?.id ?? "",
          kind: tool.custom?.kind ?? "",
          policy: tool.policy,
          qualifiedName: tool.qualifiedName,
        })),
      };
    },

    async createCustomTool(request, context) {
      return customToolMessage(await custom.create(callPrincipal(context.values), request.projectId, request.definitionJson));
    },

    async getCustomTool(request, context) {
      return toolMessage(callPrincipal(context.values), request.projectId, request.toolId);
    },

    async updateCustomTool(request, context) {
      return customToolMessage(await custom.update(callPrincipal(context.values), request.projectId, request.toolId, request.definitionJson));
    },

    async approveMcpTool(request, context) {
      const principal = callPrincipal(context.values);
      await custom.approveMcpTool(principal, request.projectId, request.toolId, request.name, request.sha256);
      return toolMessage(principal, request.projectId, request.toolId);
    },

    async deleteCustomTool(request, context) {
      await custom.delete(callPrincipal(context.values), request.projectId, request.toolId);
      return {};
    },

    async getToolSettings(request, context) {
      return toolSettingsMessage(await custom.settings(callPrincipal(context.values), request.projectId));
    },

    async updateToolSettings(request, context) {
      const change = { allowedHosts: request.settings?.allowedHosts ?? [], policies: (request.settings?.policies ?? []).map(({ pattern, policy }) => ({ pattern, policy: policy as ToolPolicy })) };
      return toolSettingsMessage(await custom.updateSettings(callPrincipal(context.values), request.projectId, change));
    },

    async invokeTool(request, context) {
      const args = parseArguments(request.argumentsJson);
      const approval = request.approval ? { chatId: request.approval.chatId, messageId: request.approval.messageId, approvalId: request.approval.approvalId } : undefined;
      const { result, passages } = await tools.invoke(callPrincipal(context.values), request.projectId, request.toolName, args, approval);
      return { resultJson: JSON.stringify(result), passages: passages.map((passage) => ({ reference: create(SourceReferenceSchema, passage.reference), text: passage.text })) };
    },

    async search(request, context) {
      const hits = await semanticSearch(deps, callPrincipal(context.values), { projectId: request.projectId, query: request.query, k: request.k || 8, mode: request.mode || "hybrid", filter: searchFilter(request.language, request.symbolKind) });
      return {
        hits: hits.map((hit) => ({
          chunkId: hit.chunk.id,
          score: hit.score,
          text: hit.chunk.text,
          reference: create(SourceReferenceSchema, chunkReference(hit.chunk)),
        })),
      };
    },
  };
}

const toolSettingsMessage = (settings: ToolSettingsRecord) => ({ allowedHosts: settings.allowedHosts, policies: settings.policies ?? [] });

function parseArguments(json: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json || "{}");
  } catch {
    throw invalidArgument("argumentsJson", "arguments must be valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidArgument("argumentsJson", "arguments must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}
