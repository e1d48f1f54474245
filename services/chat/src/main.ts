import { parseConfigOrExit } from "@qamesh/config";
import { GrpcServer, shutdownOnSignal, startOrExit } from "@qamesh/grpc";
import { createLogger } from "@qamesh/logger";
import { projectModelsClient, retrievalClient } from "@qamesh/mesh-clients";
import { chatConfigSchema } from "./config.js";
import { createChat } from "./index.js";

const config = parseConfigOrExit("chat", chatConfigSchema, process.env);
const logger = createLogger({ service: "chat", level: config.LOG_LEVEL });
const retrieval = retrievalClient(config.TOOL_RUNTIME_ADDRESS);
const models = projectModelsClient(config.LLM_PROFILES_ADDRESS);
const service = createChat({ retrieval, models });
const server = new GrpcServer({ logger });
service.register(server);
const port = await startOrExit("chat", () => server.listen(config.CHAT_GRPC_HOST, config.CHAT_GRPC_PORT));
logger.info({ port }, "chat serving");
shutdownOnSignal(logger, async () => {
  await server.shutdown();
  retrieval.close();
  models.close();
});
