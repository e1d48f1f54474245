import { callApprovalsClient, projectModelsClient, projectSourcesClient } from "@qamesh/mesh-clients";
import { openSecretBox } from "@qamesh/secrets";
import type { ServiceRecipe } from "@qamesh/service-runtime";
import { outboundPolicyFromConfig } from "@qamesh/source-safety";
import { toolRuntimeIndexes } from "./app/custom/custom-tool-records.js";
import { toolRuntimeConfigSchema } from "./config.js";
import { createToolRuntime } from "./index.js";

/**
 * tool-runtime from its environment: the vector index it searches, the models that embed
 * queries, ingestion's sources and runs, its own store of custom tools with the key that seals
 * their secrets, the bus project deletions come by, the outbound policy their requests obey, and the chat service's approvals.
 */
export const toolRuntimeRecipe: ServiceRecipe<typeof toolRuntimeConfigSchema> = {
  name: "tool-runtime",
  configSchema: toolRuntimeConfigSchema,
  async compose({ config, logger, lifecycle, adapters }) {
    const models = projectModelsClient(config.LLM_PROFILES_ADDRESS);
    lifecycle.onStop("llm-profiles client", () => models.close());
    const sources = projectSourcesClient(config.INGESTION_ADDRESS);
    lifecycle.onStop("ingestion client", () => sources.close());
    const approvals = callApprovalsClient(config.CHAT_ADDRESS);
    lifecycle.onStop("chat client", () => approvals.close());
    const chunkIndex = await adapters.chunkIndex(config, lifecycle);
    const store = await adapters.documentStore(config, config.TOOL_RUNTIME_DB_FILE, toolRuntimeIndexes, logger, lifecycle);
    const bus = await adapters.eventBus(config, "tool-runtime", logger, lifecycle);
    const service = createToolRuntime({ chunkIndex, models, sources, store, bus, secrets: await openSecretBox(config), outboundPolicy: outboundPolicyFromConfig(config), approvals, mcpListCacheMs: config.MCP_LIST_CACHE_MS, mcpStdioServers: config.MCP_STDIO_SERVERS });
    return { service, grpc: { host: config.TOOL_RUNTIME_GRPC_HOST, port: config.TOOL_RUNTIME_GRPC_PORT } };
  },
};
