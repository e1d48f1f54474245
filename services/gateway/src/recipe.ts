import type { ServiceRecipe } from "@qamesh/service-runtime";
import { gatewayConfigSchema } from "./config.js";
import { createGateway } from "./index.js";

/** The gateway from its environment: its HTTP address and the addresses of the services behind it. */
export const gatewayRecipe: ServiceRecipe<typeof gatewayConfigSchema, ReturnType<typeof createGateway>> = {
  name: "gateway",
  configSchema: gatewayConfigSchema,
  async compose({ config, logger }) {
    const service = createGateway({
      logger,
      http: { host: config.GATEWAY_HOST, port: config.GATEWAY_PORT },
      addresses: {
        ingestion: config.INGESTION_ADDRESS,
        chat: config.CHAT_ADDRESS,
        toolRuntime: config.TOOL_RUNTIME_ADDRESS,
        llmProfiles: config.LLM_PROFILES_ADDRESS,
      },
    });
    return { service };
  },
};
