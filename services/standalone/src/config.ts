import { z } from "zod";
import { booleanFlag, logLevel, pathList, port } from "@qamesh/config";
import { modelSettingsShape, refineModelSettings } from "@qamesh/llm-profiles";
import { outboundConfigShape } from "@qamesh/source-safety";

/** Everything one machine needs; every setting has a default so `npm start` just works. */
export const standaloneConfigSchema = z
  .object({
    DATA_DIR: z.string().min(1).default("./data"),
    GATEWAY_HOST: z.string().default("127.0.0.1"),
    GATEWAY_PORT: port(8080),
    /** Each service keeps its own loopback gRPC port, as it would in the distributed mesh. */
    INGESTION_GRPC_PORT: port(50052),
    CHAT_GRPC_PORT: port(50053),
    TOOL_RUNTIME_GRPC_PORT: port(50054),
    LLM_PROFILES_GRPC_PORT: port(50055),
    /** On first start with an empty data directory, index this repository as project "demo". */
    QAMESH_DEMO: booleanFlag(true),
    LOCAL_SOURCE_ROOTS: pathList(process.cwd()),
    ...outboundConfigShape,
    MAX_FILE_BYTES: z.coerce.number().int().positive().default(1_000_000),
    INGESTION_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(20),
    /** Attempts at embedding and indexing a batch before its files are reported failed. */
    INDEXING_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
    INDEXING_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(500),
    LOG_LEVEL: logLevel(),
    ...modelSettingsShape,
  })
  .superRefine(refineModelSettings);

export type StandaloneConfig = z.infer<typeof standaloneConfigSchema>;
