import { EmbeddedEventBus } from "@qamesh/bus-embedded";
import { parseConfigOrExit } from "@qamesh/config";
import { GrpcServer, shutdownOnSignal, startOrExit } from "@qamesh/grpc";
import { createLogger } from "@qamesh/logger";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { ingestionConfigSchema } from "./config.js";
import { createIngestion } from "./index.js";

const config = parseConfigOrExit("ingestion", ingestionConfigSchema, process.env);
const logger = createLogger({ service: "ingestion", level: config.LOG_LEVEL });
const bus = new EmbeddedEventBus({ file: config.BUS_FILE, logger });
const store = SqliteDocumentStore.open(config.INGESTION_DB_FILE);
const service = createIngestion({
  store,
  bus,
  logger,
  allowedRoots: config.LOCAL_SOURCE_ROOTS,
});
const server = new GrpcServer({ logger });
service.register(server);
await service.start();
const port = await startOrExit("ingestion", () => server.listen(config.INGESTION_GRPC_HOST, config.INGESTION_GRPC_PORT));
logger.info({ port }, "ingestion serving");
shutdownOnSignal(logger, async () => {
  await server.shutdown();
  await service.close();
  await bus.close();
  await store.close();
});
