import { outlivingTheCall } from "@qamesh/grpc";
import { outboxIndexes } from "@qamesh/outbox";
import { projectModelsClient, projectToolsClient } from "@qamesh/mesh-clients";
import type { ServiceRecipe } from "@qamesh/service-runtime";
import { chatIndexes } from "./app/sessions/chat-records.js";
import { ToolArguments } from "./app/agent/tool-arguments.js";
import { chatConfigSchema } from "./config.js";
import { createChat } from "./index.js";

/** chat from its environment: its store, the bus, tools from tool-runtime, models from llm-profiles. */
export const chatRecipe: ServiceRecipe<typeof chatConfigSchema> = {
  name: "chat",
  configSchema: chatConfigSchema,
  async compose({ config, logger, lifecycle, adapters }) {
    const store = await adapters.documentStore(config, config.CHAT_DB_FILE, [...chatIndexes, ...outboxIndexes], logger, lifecycle);
    const bus = await adapters.eventBus(config, "chat", logger, lifecycle);
    const models = projectModelsClient(config.LLM_PROFILES_ADDRESS);
    lifecycle.onStop("llm-profiles client", () => models.close());
    const tools = projectToolsClient(config.TOOL_RUNTIME_ADDRESS);
    lifecycle.onStop("tool-runtime client", () => tools.close());
    const service = createChat({
      store,
      bus,
      logger,
      models,
      tools,
      toolArguments: new ToolArguments(),
      settings: { maxSteps: config.AGENT_MAX_STEPS, toolTimeoutMs: config.AGENT_TOOL_TIMEOUT_MS },
      answers: { leaseMs: config.ANSWER_LEASE_MS, pollMs: config.ANSWER_POLL_MS, questionTtlMs: config.ANSWER_QUESTION_TTL_MS },
      memory: { historyTokens: config.CHAT_HISTORY_TOKENS },
      outliveCall: outlivingTheCall,
    });
    return { service, grpc: { host: config.CHAT_GRPC_HOST, port: config.CHAT_GRPC_PORT } };
  },
};
