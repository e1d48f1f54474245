import { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import type { GrpcServer } from "@qamesh/grpc";
import type { MeshService } from "@qamesh/service-runtime";
import { modelsFromSettings } from "./app/models-from-settings.js";
import type { ModelSettings } from "./config.js";
import { llmProfilesHandlers } from "./grpc/llm-profiles-handlers.js";

export { modelSettingsShape, refineModelSettings, llmProfilesConfigSchema, type ModelSettings } from "./config.js";
export { llmProfilesRecipe } from "./recipe.js";

/** The llm-profiles service as a value: serves the configured models over gRPC. */
export function createLlmProfiles(deps: { settings: ModelSettings }): MeshService {
  const models = modelsFromSettings(deps.settings);
  return {
    register(server: GrpcServer) {
      server.add(LlmProfilesService, llmProfilesHandlers(models));
    },
    async start() {},
    async stop() {},
  };
}
