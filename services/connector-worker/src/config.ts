import { z } from "zod";
import { meshTrustConfigShape, signingKeysSetting } from "@qamesh/mesh-auth";
import { grpcAddress, logLevel, pathList, port } from "@qamesh/config";
import { documentStoreConfigShape, eventBusConfigShape, chunkIndexConfigShape } from "@qamesh/runtime-adapters";
import { secretsConfigShape } from "@qamesh/secrets";
import { outboundConfigShape } from "@qamesh/source-safety";

export const connectorWorkerConfigSchema = z.object({
  /** The worker serves only grpc.health.v1, for probes. */
  CONNECTOR_WORKER_GRPC_HOST: z.string().default("127.0.0.1"),
  CONNECTOR_WORKER_GRPC_PORT: port(50056),
  LLM_PROFILES_ADDRESS: grpcAddress().default("127.0.0.1:50055"),
  /** SQLite file of the worker's records when MONGODB_URI is not set. */
  WORKER_DB_FILE: z.string().min(1).default("./data/connector-worker.sqlite"),
  ...documentStoreConfigShape("connector-worker"),
  ...eventBusConfigShape,
  ...chunkIndexConfigShape,
  /** Where git sources are mirrored. */
  REPOSITORY_CACHE_DIR: z.string().min(1).default("./data/repositories"),
  /**
   * Colon-separated directories local sources and file:// repositories may be read from; the
   * same list as the ingestion service's, checked again at every run.
   */
  LOCAL_SOURCE_ROOTS: pathList(process.cwd()),
  /** Larger files are skipped and counted. */
  MAX_FILE_BYTES: z.coerce.number().int().positive().default(1_000_000),
  INGESTION_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  /** Attempts at embedding and indexing a batch before its files are reported failed. */
  INDEXING_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  INDEXING_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(500),
  ...secretsConfigShape,
  ...outboundConfigShape,
  ...meshTrustConfigShape,
  /**
   * The services' key pair (a Kubernetes Secret): indexing calls the models as the service
   * itself, not as any user. Without it, the pair in MESH_KEYS_FILE.
   */
  SERVICE_SIGNING_KEYS: signingKeysSetting(),
  LOG_LEVEL: logLevel(),
});
