import { chunkReference } from "@qamesh/ports";
import { create } from "@bufbuild/protobuf";
import type { ServiceImplementation } from "@qamesh/grpc";
import { invalidArgument } from "@qamesh/errors";
import { SourceReferenceSchema } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
import type { ToolRuntimeService } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";
import { callPrincipal } from "@qamesh/mesh-auth";
import { semanticSearch, type SemanticSearchDeps } from "../app/tools/semantic-search.js";
import type { ToolUseCases } from "../app/tool-use-cases.js";

export function toolRuntimeHandlers(deps: SemanticSearchDeps, tools: ToolUseCases): ServiceImplementation<typeof ToolRuntimeService> {
  return {
    async listTools(request, context) {
      return {
        tools: tools.list(callPrincipal(context.values), request.projectId).map((tool) => ({
          name: tool.name,
          description: tool.description,
          parametersJsonSchema: JSON.stringify(tool.parametersJsonSchema),
          builtIn: true,
        })),
      };
    },

    async invokeTool(request, context) {
      const args = parseArguments(request.argumentsJson);
      const { result, passages } = await tools.invoke(callPrincipal(context.values), request.projectId, request.toolName, args);
      return { resultJson: JSON.stringify(result), passages: passages.map((passage) => ({ reference: create(SourceReferenceSchema, passage.reference), text: passage.text })) };
    },

    async search(request, context) {
      const hits = await semanticSearch(deps, callPrincipal(context.values), { projectId: request.projectId, query: request.query, k: request.k || 8 });
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
