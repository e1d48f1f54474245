import { authorizeProject } from "@qamesh/authorization";
import type { CallContext, ServiceImplementation } from "@qamesh/grpc";
import { invalidArgument, unavailable } from "@qamesh/errors";
import { callPrincipal } from "@qamesh/mesh-auth";
import { completionChunkMessage, completionRequestFromMessage } from "@qamesh/mesh-clients";
import type { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import type { ProjectModels } from "../app/profiles/project-models.js";
import type { ModelSettingsRecord, ProfileRecord } from "../app/profiles/profile-records.js";
import { publicProfile, type ProfileUseCases } from "../app/profiles/profile-use-cases.js";

const maxTextsPerCall = 512;

/** Every model call is about one project, whose models the principal must be allowed to use. */
function authorizeModels(context: CallContext, projectId: string): void {
  if (!projectId) throw invalidArgument("projectId", "projectId is required");
  authorizeProject(callPrincipal(context.values), projectId, "models.use");
}

const profileMessage = (record: ProfileRecord) => ({
  id: record.id,
  projectId: record.projectId,
  definitionJson: JSON.stringify(publicProfile(record)),
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
});

const settingsMessage = (settings: ModelSettingsRecord) => ({
  answeringProfileId: settings.answering ?? "",
  fallbackProfileIds: settings.fallbacks,
  embeddingProfileId: settings.embedding ?? "",
  reindexRequiredSince: settings.reindexRequiredSince ?? "",
});

/** gRPC surface of llm-profiles: the projects' profiles, and their models. Provider failures become `unavailable` with the model named. */
export function llmProfilesHandlers(models: ProjectModels, profiles: ProfileUseCases): ServiceImplementation<typeof LlmProfilesService> {
  return {
    async createProfile(request, context) {
      return profileMessage(await profiles.create(callPrincipal(context.values), request.projectId, request.definitionJson));
    },

    async getProfile(request, context) {
      return profileMessage(await profiles.get(callPrincipal(context.values), request.projectId, request.profileId));
    },

    async updateProfile(request, context) {
      return profileMessage(await profiles.update(callPrincipal(context.values), request.projectId, request.profileId, request.definitionJson));
    },

    async deleteProfile(request, context) {
      await profiles.delete(callPrincipal(context.values), request.projectId, request.profileId);
      return {};
    },

    async listProfiles(request, context) {
      return { profiles: (await profiles.list(callPrincipal(context.values), request.projectId)).map(profileMessage) };
    },

    async getModelSettings(request, context) {
      return settingsMessage(await profiles.settings(callPrincipal(context.values), request.projectId));
    },

    async updateModelSettings(request, context) {
      return settingsMessage(await profiles.updateSettings(callPrincipal(context.values), request.projectId, request.settingsJson));
    },

    async resolveProfile(request, context) {
      authorizeModels(context, request.projectId);
      const [answering, embedding] = await Promise.all([models.answering(request.projectId), models.embedding(request.projectId)]);
      return {
        provider: answering.provider,
        model: answering.model,
        baseUrl: answering.baseUrl,
        embeddingProvider: embedding.provider,
        embeddingModel: embedding.model,
        embeddingDimensions: embedding.embedder.dimensions,
        callsTools: answering.llm.callsTools,
      };
    },

    async *complete(request, context) {
      authorizeModels(context, request.projectId);
      const completion = completionRequestFromMessage(request);
      if ("invalidField" in completion) throw invalidArgument(completion.invalidField, completion.reason);
      const { llm } = await models.answering(request.projectId);
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
      const { embedder } = await models.embedding(request.projectId);
      try {
        const vectors = await embedder.embed(request.texts, request.purpose === "query" ? "query" : "document");
        return { embeddings: vectors.map((values) => ({ values })) };
      } catch (error) {
        throw unavailable(`the embedding model failed: ${error instanceof Error ? error.message : String(error)}`, error);
      }
    },
  };
}
