import { AssertionSigner, meshSigningKeys } from "@qamesh/mesh-auth";
import { projectModelsClient } from "@qamesh/mesh-clients";
import { openSecretBox } from "@qamesh/secrets";
import type { ServiceRecipe } from "@qamesh/service-runtime";
import { AllowedRoots, outboundPolicyFromConfig } from "@qamesh/source-safety";
import { discoveryCheckpointIndexes } from "./app/discovery-checkpoints.js";
import { connectorWorkerIndexes } from "./app/indexed-files.js";
import { removedSourcesIndexes } from "./app/removed-sources.js";
import { connectorWorkerConfigSchema } from "./config.js";
import { connectorWorkerPrincipal } from "./consumers/worker-subscriptions.js";
import { createConnectorWorker } from "./index.js";
import { FileChunker } from "./chunking/file-chunker.js";

/**
 * A connector worker from its environment. It serves no RPCs, only grpc.health.v1 for probes,
 * on CONNECTOR_WORKER_GRPC_PORT.
 */
export const connectorWorkerRecipe: ServiceRecipe<typeof connectorWorkerConfigSchema> = {
  name: "connector-worker",
  configSchema: connectorWorkerConfigSchema,
  async compose({ config, logger, lifecycle, adapters }) {
    const models = projectModelsClient(config.LLM_PROFILES_ADDRESS);
    lifecycle.onStop("llm-profiles client", () => models.close());
    const bus = await adapters.eventBus(config, "connector-worker", logger, lifecycle);
    const store = await adapters.documentStore(config, config.WORKER_DB_FILE, [...connectorWorkerIndexes, ...discoveryCheckpointIndexes, ...removedSourcesIndexes], logger, lifecycle);
    const chunkIndex = await adapters.chunkIndex(config, lifecycle);
    const serviceKeys = await meshSigningKeys("service", config.SERVICE_SIGNING_KEYS, config, "SERVICE_SIGNING_KEYS");
    const serviceCredential = (await AssertionSigner.create("service", serviceKeys)).credentialFor(connectorWorkerPrincipal);
    const service = createConnectorWorker({
      bus,
      store,
      chunkIndex,
      chunker: new FileChunker(),
      models,
      logger,
      readers: {
        repositoryCacheDirectory: config.REPOSITORY_CACHE_DIR,
        maxFileBytes: config.MAX_FILE_BYTES,
        allowedRoots: new AllowedRoots(config.LOCAL_SOURCE_ROOTS),
        secrets: await openSecretBox(config),
        outboundPolicy: outboundPolicyFromConfig(config),
      },
      batchSize: config.INGESTION_BATCH_SIZE,
      retry: { attempts: config.INDEXING_RETRY_ATTEMPTS, backoffMs: config.INDEXING_RETRY_BACKOFF_MS },
    }, serviceCredential);
    return { service, grpc: { host: config.CONNECTOR_WORKER_GRPC_HOST, port: config.CONNECTOR_WORKER_GRPC_PORT } };
  },
};
