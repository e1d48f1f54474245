import { parseConfigOrExit } from "@qamesh/config";
import { GrpcServer, shutdownOnSignal, startOrExit } from "@qamesh/grpc";
import { createLogger } from "@qamesh/logger";
import { outboxIndexes, processedEventsIndexes } from "@qamesh/outbox";
import { openSecretBox } from "@qamesh/secrets";
import { AllowedRoots, outboundPolicyFromConfig } from "@qamesh/source-safety";
import { openDocumentStore, openEventBus } from "@qamesh/runtime-adapters";
import { ingestionIndexes } from "./app/records.js";
import { ingestionConfigSchema } from "./config.js";
import { createIngestion } from "./index.js";

const config = parseConfigOrExit("ingestion", ingestionConfigSchema, process.env);
const logger = createLogger({ service: "ingestion", level: config.LOG_LEVEL });
const bus = await startOrExit("ingestion", () => openEventBus(config, "ingestion", logger));
const store = await startOrExit("ingestion", () =>
  openDocumentStore(config, config.INGESTION_DB_FILE, [...ingestionIndexes, ...outboxIndexes, ...processedEventsIndexes], logger),
);
const service = createIngestion({
  store,
  bus,
  logger,
  allowedRoots: new AllowedRoots(config.LOCAL_SOURCE_ROOTS),
  secrets: await startOrExit("ingestion", () => openSecretBox(config)),
  outboundPolicy: outboundPolicyFromConfig(config),
});
const server = new GrpcServer({ logger });
service.register(server);
await startOrExit("ingestion", () => service.start());
const port = await startOrExit("ingestion", () => server.listen(config.INGESTION_GRPC_HOST, config.INGESTION_GRPC_PORT));
logger.info({ port }, "ingestion serving");
shutdownOnSignal(logger, async () => {
  await server.shutdown();
  await service.close();
  await bus.close();
  await store.close();
});
