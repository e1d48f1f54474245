import { z } from "zod";
import { booleanFlag, logLevel, port } from "@qamesh/config";

/**
 * What standalone decides itself: where data lives, its ports, the demo. Every other variable
 * goes to the services as it would in distributed mode and is validated by their own schemas.
 */
export const standaloneConfigSchema = z.object({
  DATA_DIR: z.string().min(1).default("./data"),
  GATEWAY_HOST: z.string().default("127.0.0.1"),
  GATEWAY_PORT: port(8080),
  /** Each service keeps its own loopback gRPC port, as it would in the distributed mesh. */
  INGESTION_GRPC_PORT: port(50052),
  CHAT_GRPC_PORT: port(50053),
  TOOL_RUNTIME_GRPC_PORT: port(50054),
  LLM_PROFILES_GRPC_PORT: port(50055),
  CONNECTOR_WORKER_GRPC_PORT: port(50056),
  /** On first start with an empty data directory, index this repository as project "demo". */
  QAMESH_DEMO: booleanFlag(true),
  LOG_LEVEL: logLevel(),
});

export type StandaloneConfig = z.infer<typeof standaloneConfigSchema>;
