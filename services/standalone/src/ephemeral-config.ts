import { join } from "node:path";
import { standaloneConfigSchema, type StandaloneConfig } from "./config.js";

/**
 * Standalone settings for a throwaway mesh (tests, benchmarks): every port picked free, data
 * under `directory`, sources allowed only there, no demo, no logs.
 */
export function ephemeralStandaloneConfig(directory: string, overrides: Record<string, string> = {}): StandaloneConfig {
  return standaloneConfigSchema.parse({
    DATA_DIR: join(directory, "data"),
    GATEWAY_PORT: "0",
    INGESTION_GRPC_PORT: "0",
    CHAT_GRPC_PORT: "0",
    TOOL_RUNTIME_GRPC_PORT: "0",
    LLM_PROFILES_GRPC_PORT: "0",
    QAMESH_DEMO: "false",
    LOCAL_SOURCE_ROOTS: directory,
    LOG_LEVEL: "silent",
    ...overrides,
  });
}
