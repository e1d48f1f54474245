import { z } from "zod";
import { meshTrustConfigShape } from "@qamesh/mesh-auth";
import { logLevel, pathList, port } from "@qamesh/config";
import { documentStoreConfigShape, eventBusConfigShape } from "@qamesh/runtime-adapters";
import { secretsConfigShape } from "@qamesh/secrets";
import { outboundConfigShape } from "@qamesh/source-safety";

export const ingestionConfigSchema = z.object({
  INGESTION_GRPC_HOST: z.string().default("127.0.0.1"),
  INGESTION_GRPC_PORT: port(50052),
  /** SQLite file of this service's records when MONGODB_URI is not set. */
  INGESTION_DB_FILE: z.string().min(1).default("./data/ingestion.sqlite"),
  ...documentStoreConfigShape("ingestion"),
  ...eventBusConfigShape,
  /** Colon-separated directories that local sources and file:// repositories may live in. */
  LOCAL_SOURCE_ROOTS: pathList(process.cwd()),
  ...secretsConfigShape,
  ...outboundConfigShape,
  ...meshTrustConfigShape,
  /** How often sources with a polling schedule (syncEvery) are looked at. */
  SYNC_SWEEP_MS: z.coerce.number().int().min(100).default(30_000),
  LOG_LEVEL: logLevel(),
});
