import { parseConfigOrExit } from "@qamesh/config";
import { shutdownOnSignal, startOrExit } from "@qamesh/grpc";
import { createLogger } from "@qamesh/logger";
import { gatewayConfigSchema } from "./config.js";
import { createGateway } from "./index.js";

const config = parseConfigOrExit("gateway", gatewayConfigSchema, process.env);
const logger = createLogger({ service: "gateway", level: config.LOG_LEVEL });
const gateway = createGateway({
  logger,
  addresses: {
    ingestion: config.INGESTION_ADDRESS,
    chat: config.CHAT_ADDRESS,
    toolRuntime: config.TOOL_RUNTIME_ADDRESS,
    llmProfiles: config.LLM_PROFILES_ADDRESS,
  },
});
const port = await startOrExit("gateway", () => gateway.listen(config.GATEWAY_HOST, config.GATEWAY_PORT));
logger.info({ url: `http://${config.GATEWAY_HOST}:${port}` }, "gateway listening");
shutdownOnSignal(logger, () => gateway.close());
