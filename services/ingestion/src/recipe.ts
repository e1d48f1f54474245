import { outboxIndexes, processedEventsIndexes } from "@qamesh/outbox";
import { openSecretBox } from "@qamesh/secrets";
import type { ServiceRecipe } from "@qamesh/service-runtime";
import { AllowedRoots, outboundPolicyFromConfig } from "@qamesh/source-safety";
import { ingestionIndexes } from "./app/records.js";
import { ingestionConfigSchema } from "./config.js";
import { createIngestion } from "./index.js";

/** ingestion from its environment: its store and the bus, the local roots, the outbound policy, the sealing key. */
export const ingestionRecipe: ServiceRecipe<typeof ingestionConfigSchema> = {
  name: "ingestion",
  configSchema: ingestionConfigSchema,
  async compose({ config, logger, lifecycle, adapters }) {
    const bus = await adapters.eventBus(config, "ingestion", logger, lifecycle);
    const store = await adapters.documentStore(config, config.INGESTION_DB_FILE, [...ingestionIndexes, ...outboxIndexes, ...processedEventsIndexes], logger, lifecycle);
    const service = createIngestion({
      store,
      bus,
      logger,
      allowedRoots: new AllowedRoots(config.LOCAL_SOURCE_ROOTS),
      secrets: await openSecretBox(config),
      outboundPolicy: outboundPolicyFromConfig(config),
      syncSweepMs: config.SYNC_SWEEP_MS,
    });
    return { service, grpc: { host: config.INGESTION_GRPC_HOST, port: config.INGESTION_GRPC_PORT } };
  },
};
