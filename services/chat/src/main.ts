import { parseConfigOrExit } from "@qamesh/config";
import { createGrpcClient, GrpcServer, shutdownOnSignal, startOrExit } from "@qamesh/grpc";
import { createLogger } from "@qamesh/logger";
import { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import { ToolRuntimeService } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";
import { chatConfigSchema } from "./config.js";
import { createChat } from "./index.js";

const config = parseConfigOrExit("chat", chatConfigSchema, process.env);
const logger = createLogger({ service: "chat", level: config.LOG_LEVEL });
const toolRuntime = createGrpcClient(ToolRuntimeService, config.TOOL_RUNTIME_ADDRESS, { peer: "tool-runtime" });
const llmProfiles = createGrpcClient(LlmProfilesService, config.LLM_PROFILES_ADDRESS, { peer: "llm-profiles" });
const service = createChat({ toolRuntime, llmProfiles });
const server = new GrpcServer({ logger });
service.register(server);
const port = await startOrExit("chat", () => server.listen(config.CHAT_GRPC_HOST, config.CHAT_GRPC_PORT));
logger.info({ port }, "chat serving");
shutdownOnSignal(logger, async () => {
  await server.shutdown();
  toolRuntime.close();
  llmProfiles.close();
});
