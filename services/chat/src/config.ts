import { z } from "zod";
import { meshTrustConfigShape } from "@qamesh/mesh-auth";
import { grpcAddress, logLevel, port } from "@qamesh/config";

export const chatConfigSchema = z.object({
  CHAT_GRPC_HOST: z.string().default("127.0.0.1"),
  CHAT_GRPC_PORT: port(50053),
  TOOL_RUNTIME_ADDRESS: grpcAddress().default("127.0.0.1:50054"),
  LLM_PROFILES_ADDRESS: grpcAddress().default("127.0.0.1:50055"),
  ...meshTrustConfigShape,
  LOG_LEVEL: logLevel(),
});
