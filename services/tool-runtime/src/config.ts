import { z } from "zod";
import { meshTrustConfigShape } from "@qamesh/mesh-auth";
import { grpcAddress, logLevel, port } from "@qamesh/config";
import { vectorIndexConfigShape } from "@qamesh/runtime-adapters";

export const toolRuntimeConfigSchema = z.object({
  TOOL_RUNTIME_GRPC_HOST: z.string().default("127.0.0.1"),
  TOOL_RUNTIME_GRPC_PORT: port(50054),
  LLM_PROFILES_ADDRESS: grpcAddress().default("127.0.0.1:50055"),
  INGESTION_ADDRESS: grpcAddress().default("127.0.0.1:50052"),
  ...vectorIndexConfigShape,
  ...meshTrustConfigShape,
  LOG_LEVEL: logLevel(),
});
