import { authorizeProject } from "@qamesh/authorization";
import type { CallContext, ServiceImplementation } from "@qamesh/grpc";
import { invalidArgument, unavailable } from "@qamesh/errors";
import { callPrincipal } from "@qamesh/mesh-auth";
import { completionChunkMessage, completionRequestFromMessage } from "@qamesh/mesh-clients";
import type { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import type { Models } from "../app/models-from-settings.js";

const maxTextsPerCall = 512;

/** Every call is about one project, whose models the principal must be allowed to use. */
function authorizeModels(context: CallContext, projectId: string): void {
  if (!projectId) throw invalidArgument("projectId", "projectId is required");
  authorizeProject(callPrincipal(context.values), projectId, "models.use");
}

/** gRPC surface of llm-profiles. Provider failures become `unavailable` with the provider named. */
export function llmProfilesHandlers({ llm, embedder, settings }: Models): ServiceImplementation<typeof LlmProfilesService> {
  return {
    async resolveProfile(request, context) {
      authorizeModels(context, request.projectId);
      return {
        provider: settings.LLM_PROVIDER,
        model: settings.LLM_MODEL ?? "",
        baseUrl: settings.LLM_BASE_URL ?? "",
        embeddingProvider: settings.EMBEDDING_PROVIDER,
        embeddingModel: settings.EMBEDDING_MODEL ?? "",
        embeddingDimensions: embedder.dimensions,
        callsTools: llm.callsTools,
      };
    },

    async *complete(request, context) {
      authorizeModels(context, request.projectId);
      const completion = completionRequestFromMessage(request);
      if ("invalidField" in completion) throw invalidArgument(completion.invalidField, completion.reason);
      try {
        for await (const event of llm.complete(completion, { signal: context.signal })) {
          if (context.signal.aborted) return;
          yield completionChunkMessage(event);
        }
      } catch (error) {
        throw unavailable(`the language model (${llm.name}) failed: ${error instanceof Error ? error.message : String(error)}`, error);
      }
    },

    async embed(request, context) {
      authorizeModels(context, request.projectId);
      if (request.texts.length > maxTextsPerCall) throw invalidArgument("texts", `at most ${maxTextsPerCall} texts per call`);
      try {
        const vectors = await embedder.embed(request.texts, request.purpose === "query" ? "query" : "document");
        return { embeddings: vectors.map((values) => ({ values })) };
      } catch (error) {
        throw unavailable(`the embedding model failed: ${error instanceof Error ? error.message : String(error)}`, error);
      }
    },
  };
}
