import type { ServiceRecipe } from "@qamesh/service-runtime";
import { llmProfilesConfigSchema } from "./config.js";
import { createLlmProfiles } from "./index.js";

/** llm-profiles from its environment: the models it serves, configured by LLM_* and EMBEDDING_*. */
export const llmProfilesRecipe: ServiceRecipe<typeof llmProfilesConfigSchema> = {
  name: "llm-profiles",
  configSchema: llmProfilesConfigSchema,
  async compose({ config }) {
    return { service: createLlmProfiles({ settings: config }), grpc: { host: config.LLM_PROFILES_GRPC_HOST, port: config.LLM_PROFILES_GRPC_PORT } };
  },
};
