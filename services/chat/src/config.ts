import { z } from "zod";
import { meshTrustConfigShape } from "@qamesh/mesh-auth";
import { grpcAddress, logLevel, port } from "@qamesh/config";

export const chatConfigSchema = z.object({
  CHAT_GRPC_HOST: z.string().default("127.0.0.1"),
  CHAT_GRPC_PORT: port(50053),
  TOOL_RUNTIME_ADDRESS: grpcAddress().default("127.0.0.1:50054"),
  LLM_PROFILES_ADDRESS: grpcAddress().default("127.0.0.1:50055"),
  /** Model turns per answer (the last must answer without tools), and how long one tool call may take. */
  AGENT_MAX_STEPS: z.coerce.number().int().min(1).max(30).default(8),
  AGENT_TOOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  ...meshTrustConfigShape,
  LOG_LEVEL: logLevel(),
});
