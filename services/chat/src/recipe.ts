import { projectModelsClient, projectToolsClient, retrievalClient } from "@qamesh/mesh-clients";
import type { ServiceRecipe } from "@qamesh/service-runtime";
import { chatConfigSchema } from "./config.js";
import { ToolArguments } from "./app/tool-arguments.js";
import { createChat } from "./index.js";

/** chat from its environment: retrieval and tools from tool-runtime, models from llm-profiles. */
export const chatRecipe: ServiceRecipe<typeof chatConfigSchema> = {
  name: "chat",
  configSchema: chatConfigSchema,
  async compose({ config, lifecycle }) {
    const retrieval = retrievalClient(config.TOOL_RUNTIME_ADDRESS);
    lifecycle.onStop("tool-runtime client", () => retrieval.close());
    const models = projectModelsClient(config.LLM_PROFILES_ADDRESS);
    lifecycle.onStop("llm-profiles client", () => models.close());
    const tools = projectToolsClient(config.TOOL_RUNTIME_ADDRESS);
    lifecycle.onStop("tool-runtime tools client", () => tools.close());
    const service = createChat({
      retrieval,
      models,
      tools,
      toolArguments: new ToolArguments(),
      settings: { maxSteps: config.AGENT_MAX_STEPS, toolTimeoutMs: config.AGENT_TOOL_TIMEOUT_MS },
    });
    return { service, grpc: { host: config.CHAT_GRPC_HOST, port: config.CHAT_GRPC_PORT } };
  },
};
