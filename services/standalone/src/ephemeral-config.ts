import { testRootPassword } from "@qamesh/api-client";
import { unthrottledRateLimits } from "@qamesh/gateway";

/**
 * The environment of a throwaway standalone mesh (tests, benchmarks): every port picked free,
 * data under `directory`, sources allowed only there, no demo, no logs, no binding rate limits
 * (tests that check them set their own), root with `rootPassword`
 * (testkit's testRootPassword). Nothing comes from the
 * process environment, so a test run's KAFKA_BROKERS or MONGODB_URI cannot leak in.
 */
export function ephemeralStandaloneEnvironment(directory: string, overrides: Record<string, string> = {}, rootPassword = testRootPassword): Record<string, string> {
  return {
    DATA_DIR: `${directory}/data`,
    GATEWAY_PORT: "0",
    INGESTION_GRPC_PORT: "0",
    CHAT_GRPC_PORT: "0",
    TOOL_RUNTIME_GRPC_PORT: "0",
    LLM_PROFILES_GRPC_PORT: "0",
    CONNECTOR_WORKER_GRPC_PORT: "0",
    QAMESH_DEMO: "false",
    // The hashing embedder: tests and benches index thousands of files in seconds, and need no model.
    EMBEDDING_PROVIDER: "hashing",
    LOCAL_SOURCE_ROOTS: directory,
    LOG_LEVEL: "silent",
    QAMESH_ROOT_PASSWORD: rootPassword,
    ...unthrottledRateLimits,
    ...overrides,
  };
}
