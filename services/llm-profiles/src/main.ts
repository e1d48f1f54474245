import { parseConfigOrExit } from "@qamesh/config";
import { GrpcServer, shutdownOnSignal, startOrExit } from "@qamesh/grpc";
import { createLogger } from "@qamesh/logger";
import { llmProfilesConfigSchema } from "./config.js";
import { createLlmProfiles } from "./index.js";

const config = parseConfigOrExit("llm-profiles", llmProfilesConfigSchema, process.env);
const logger = createLogger({ service: "llm-profiles", level: config.LOG_LEVEL });
const service = createLlmProfiles({ settings: config });
const server = new GrpcServer({ logger });
service.register(server);
const port = await startOrExit("llm-profiles", () => server.listen(config.LLM_PROFILES_GRPC_HOST, config.LLM_PROFILES_GRPC_PORT));
logger.info({ port, llm: config.LLM_PROVIDER, embeddings: config.EMBEDDING_PROVIDER }, "llm-profiles serving");
shutdownOnSignal(logger, async () => {
  await server.shutdown();
  await service.close();
});
