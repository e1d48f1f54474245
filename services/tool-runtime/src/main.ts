import { parseConfigOrExit } from "@qamesh/config";
import { GrpcServer, shutdownOnSignal, startOrExit } from "@qamesh/grpc";
import { createLogger } from "@qamesh/logger";
import { projectModelsClient } from "@qamesh/mesh-clients";
import { openVectorIndex } from "@qamesh/runtime-adapters";
import { toolRuntimeConfigSchema } from "./config.js";
import { createToolRuntime } from "./index.js";

const config = parseConfigOrExit("tool-runtime", toolRuntimeConfigSchema, process.env);
const logger = createLogger({ service: "tool-runtime", level: config.LOG_LEVEL });
const models = projectModelsClient(config.LLM_PROFILES_ADDRESS);
const vectorIndex = await startOrExit("tool-runtime", () => openVectorIndex(config));
const service = createToolRuntime({ vectorIndex, models });
const server = new GrpcServer({ logger });
service.register(server);
const port = await startOrExit("tool-runtime", () => server.listen(config.TOOL_RUNTIME_GRPC_HOST, config.TOOL_RUNTIME_GRPC_PORT));
logger.info({ port }, "tool-runtime serving");
shutdownOnSignal(logger, async () => {
  await server.shutdown();
  await service.close();
  await vectorIndex.close();
  models.close();
});
