import { authorizeProject } from "@qamesh/authorization";
import type { CallContext, ServiceImplementation } from "@qamesh/grpc";
import { invalidArgument, unavailable } from "@qamesh/errors";
import { callPrincipal } from "@qamesh/mesh-auth";
import type { LlmMessage } from "@qamesh/ports";
import type { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import type { Models } from "../app/models-from-settings.js";

const roles = new Set(["system", "user", "assistant"]);
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
      };
    },

    async *complete(request, context) {
      authorizeModels(context, request.projectId);
      const messages: LlmMessage[] = request.messages.map((message, index) => {
        if (!roles.has(message.role)) throw invalidArgument(`messages[${index}].role`, "role must be system, user or assistant");
        return { role: message.role as LlmMessage["role"], content: message.content };
      });
      try {
        for await (const delta of llm.complete({ messages, documents: request.documents })) {
          if (context.signal.aborted) return;
          yield { delta };
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
