import { parseConfigOrExit } from "@qamesh/config";
import { GrpcServer, shutdownOnSignal, startOrExit } from "@qamesh/grpc";
import { createLogger } from "@qamesh/logger";
import { projectModelsClient } from "@qamesh/mesh-clients";
import { openSecretBox } from "@qamesh/secrets";
import { AllowedRoots, outboundPolicyFromConfig } from "@qamesh/source-safety";
import { openDocumentStore, openEventBus, openVectorIndex } from "@qamesh/runtime-adapters";
import { connectorWorkerIndexes } from "./app/indexed-files.js";
import { removedSourcesIndexes } from "./app/removed-sources.js";
import { connectorWorkerConfigSchema } from "./config.js";
import { createConnectorWorker } from "./index.js";

const config = parseConfigOrExit("connector-worker", connectorWorkerConfigSchema, process.env);
const logger = createLogger({ service: "connector-worker", level: config.LOG_LEVEL });
const bus = await startOrExit("connector-worker", () => openEventBus(config, "connector-worker", logger));
const models = projectModelsClient(config.LLM_PROFILES_ADDRESS);
const store = await startOrExit("connector-worker", () => openDocumentStore(config, config.WORKER_DB_FILE, [...connectorWorkerIndexes, ...removedSourcesIndexes], logger));
const vectorIndex = await startOrExit("connector-worker", () => openVectorIndex(config));
const worker = createConnectorWorker({
  bus,
  store,
  vectorIndex,
  models,
  logger,
  readers: {
    repositoryCacheDirectory: config.REPOSITORY_CACHE_DIR,
    maxFileBytes: config.MAX_FILE_BYTES,
    allowedRoots: new AllowedRoots(config.LOCAL_SOURCE_ROOTS),
    secrets: await startOrExit("connector-worker", () => openSecretBox(config)),
    outboundPolicy: outboundPolicyFromConfig(config),
  },
  batchSize: config.INGESTION_BATCH_SIZE,
  retry: { attempts: config.INDEXING_RETRY_ATTEMPTS, backoffMs: config.INDEXING_RETRY_BACKOFF_MS },
});
await startOrExit("connector-worker", () => worker.start());
const health = new GrpcServer({ logger });
for (const dependency of [store, bus, vectorIndex]) health.health.addDependencyCheck(() => dependency.ping());
await startOrExit("connector-worker", () => health.listen(config.CONNECTOR_WORKER_GRPC_HOST, config.CONNECTOR_WORKER_GRPC_PORT));
logger.info({ healthPort: config.CONNECTOR_WORKER_GRPC_PORT }, "connector worker consuming");
shutdownOnSignal(logger, async () => {
  await health.shutdown();
  await worker.close();
  await bus.close();
  await store.close();
  await vectorIndex.close();
  models.close();
});
