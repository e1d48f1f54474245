import { outboxIndexes } from "@qamesh/outbox";
import { openSecretBox } from "@qamesh/secrets";
import type { ServiceRecipe } from "@qamesh/service-runtime";
import { outboundPolicyFromConfig } from "@qamesh/source-safety";
import { llmProfilesIndexes } from "./app/profiles/profile-records.js";
import { llmProfilesConfigSchema } from "./config.js";
import { createLlmProfiles } from "./index.js";

/**
 * llm-profiles from its environment: the deployment's default models (LLM_* and EMBEDDING_*),
 * its store of the projects' profiles with the key that seals their API keys, the bus project
 * deletions come by, and the outbound policy their providers' addresses obey.
 */
export const llmProfilesRecipe: ServiceRecipe<typeof llmProfilesConfigSchema> = {
  name: "llm-profiles",
  configSchema: llmProfilesConfigSchema,
  async compose({ config, logger, lifecycle, adapters }) {
    const store = await adapters.documentStore(config, config.LLM_PROFILES_DB_FILE, [...llmProfilesIndexes, ...outboxIndexes], logger, lifecycle);
    const bus = await adapters.eventBus(config, "llm-profiles", logger, lifecycle);
    const service = createLlmProfiles({ settings: config, store, bus, secrets: await openSecretBox(config), outboundPolicy: outboundPolicyFromConfig(config), logger });
    return { service, grpc: { host: config.LLM_PROFILES_GRPC_HOST, port: config.LLM_PROFILES_GRPC_PORT } };
  },
};
