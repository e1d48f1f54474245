import { z } from "zod";
import { grpcAddress, logLevel, port } from "@qamesh/config";

export const gatewayConfigSchema = z.object({
  GATEWAY_HOST: z.string().default("127.0.0.1"),
  GATEWAY_PORT: port(8080),
  INGESTION_ADDRESS: grpcAddress().default("127.0.0.1:50052"),
  CHAT_ADDRESS: grpcAddress().default("127.0.0.1:50053"),
  TOOL_RUNTIME_ADDRESS: grpcAddress().default("127.0.0.1:50054"),
  LLM_PROFILES_ADDRESS: grpcAddress().default("127.0.0.1:50055"),
  LOG_LEVEL: logLevel(),
});
