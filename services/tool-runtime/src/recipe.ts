import { projectModelsClient, projectSourcesClient } from "@qamesh/mesh-clients";
import type { ServiceRecipe } from "@qamesh/service-runtime";
import { toolRuntimeConfigSchema } from "./config.js";
import { createToolRuntime } from "./index.js";

/** tool-runtime from its environment: the vector index it searches, the models that embed queries, ingestion's sources and runs. */
export const toolRuntimeRecipe: ServiceRecipe<typeof toolRuntimeConfigSchema> = {
  name: "tool-runtime",
  configSchema: toolRuntimeConfigSchema,
  async compose({ config, lifecycle, adapters }) {
    const models = projectModelsClient(config.LLM_PROFILES_ADDRESS);
    lifecycle.onStop("llm-profiles client", () => models.close());
    const sources = projectSourcesClient(config.INGESTION_ADDRESS);
    lifecycle.onStop("ingestion client", () => sources.close());
    const vectorIndex = await adapters.vectorIndex(config, lifecycle);
    return { service: createToolRuntime({ vectorIndex, models, sources }), grpc: { host: config.TOOL_RUNTIME_GRPC_HOST, port: config.TOOL_RUNTIME_GRPC_PORT } };
  },
};
