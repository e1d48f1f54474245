import type { GrpcServer, ServiceClient } from "@qamesh/grpc";
import type { VectorIndex } from "@qamesh/ports";
import type { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import { ToolRuntimeService } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";
import { unavailable } from "@qamesh/errors";
import { builtInTools } from "./app/built-in-tools.js";
import { toolRuntimeHandlers } from "./grpc/tool-runtime-handlers.js";

export { toolRuntimeConfigSchema } from "./config.js";

export interface ToolRuntimeDeps {
  vectorIndex: VectorIndex;
  llmProfiles: ServiceClient<typeof LlmProfilesService>;
}

/** The tool-runtime service as a value: registers itself on a gRPC server. */
export function createToolRuntime(deps: ToolRuntimeDeps) {
  const searchDeps = {
    vectorIndex: deps.vectorIndex,
    embedQuery: async (projectId: string, query: string) => {
      const response = await deps.llmProfiles.embed({ projectId, texts: [query], purpose: "query" });
      const vector = response.embeddings[0]?.values;
      if (!vector) throw unavailable("the embedding model returned no vector for the query");
      return vector;
    },
  };
  return {
    register(server: GrpcServer) {
      server.add(ToolRuntimeService, toolRuntimeHandlers(searchDeps, builtInTools(searchDeps)));
      server.health.addDependencyCheck(() => deps.vectorIndex.ping());
    },
    async close() {},
  };
}
