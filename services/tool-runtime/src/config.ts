import { z } from "zod";
import { grpcAddress, logLevel, port } from "@qamesh/config";

export const toolRuntimeConfigSchema = z.object({
  TOOL_RUNTIME_GRPC_HOST: z.string().default("127.0.0.1"),
  TOOL_RUNTIME_GRPC_PORT: port(50054),
  LLM_PROFILES_ADDRESS: grpcAddress().default("127.0.0.1:50055"),
  /** Directory of the embedded vector index (LanceDB). */
  VECTOR_DIR: z.string().min(1).default("./data/vectors"),
  LOG_LEVEL: logLevel(),
});
