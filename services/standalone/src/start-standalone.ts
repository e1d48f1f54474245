import { join, resolve } from "node:path";
import { EmbeddedEventBus } from "@qamesh/bus-embedded";
import { createChat } from "@qamesh/chat";
import { createConnectorWorker } from "@qamesh/connector-worker";
import { createGateway } from "@qamesh/gateway";
import { GrpcServer } from "@qamesh/grpc";
import { createIngestion } from "@qamesh/ingestion";
import { createLlmProfiles } from "@qamesh/llm-profiles";
import type { Logger } from "@qamesh/logger";
import { projectModelsClient, retrievalClient } from "@qamesh/mesh-clients";
import { openSecretBox } from "@qamesh/secrets";
import { AllowedRoots, outboundPolicyFromConfig } from "@qamesh/source-safety";
import { SqliteDocumentStore } from "@qamesh/store-sqlite";
import { createToolRuntime } from "@qamesh/tool-runtime";
import { LanceVectorIndex } from "@qamesh/vector-lance";
import type { StandaloneConfig } from "./config.js";

const loopback = "127.0.0.1";

export interface RunningStandalone {
  gatewayUrl: string;
  grpcPorts: Record<string, number>;
  /** Graceful stop: gateway first, then services (draining calls), then consumers and stores. */
  stop(): Promise<void>;
}

/**
 * The whole mesh in one process with the embedded adapters. Services still talk to each other
 * over gRPC on their own loopback ports and through the bus, exactly as when distributed;
 * only the adapters differ.
 */
export async function startStandalone(config: StandaloneConfig, logger: Logger): Promise<RunningStandalone> {
  const dataDir = resolve(config.DATA_DIR);
  const bus = new EmbeddedEventBus({ file: join(dataDir, "bus.sqlite"), logger: logger.child({ component: "bus" }) });
  const vectorIndex = await LanceVectorIndex.open(join(dataDir, "vectors"));
  const ingestionStore = SqliteDocumentStore.open(join(dataDir, "ingestion.sqlite"));
  const workerStore = SqliteDocumentStore.open(join(dataDir, "connector-worker.sqlite"));
  const allowedRoots = new AllowedRoots(config.LOCAL_SOURCE_ROOTS);
  const outboundPolicy = outboundPolicyFromConfig(config);
  // Ingestion seals source credentials and the worker opens them: one key, kept in the data directory.
  const secrets = await openSecretBox({ ENCRYPTION_KEY_FILE: join(dataDir, "encryption.key") });
  const servers: GrpcServer[] = [];
  const grpcPorts: Record<string, number> = {};
  const serve = async (name: string, port: number, register: (server: GrpcServer) => void) => {
    const server = new GrpcServer({ logger: logger.child({ service: name }) });
    register(server);
    grpcPorts[name] = await server.listen(loopback, port);
    servers.push(server);
    return `${loopback}:${grpcPorts[name]}`;
  };

  const llmProfiles = createLlmProfiles({ settings: config });
  const llmProfilesAddress = await serve("llm-profiles", config.LLM_PROFILES_GRPC_PORT, (server) => llmProfiles.register(server));
  const models = projectModelsClient(llmProfilesAddress);

  const toolRuntime = createToolRuntime({ vectorIndex, models });
  const toolRuntimeAddress = await serve("tool-runtime", config.TOOL_RUNTIME_GRPC_PORT, (server) => toolRuntime.register(server));
  const retrieval = retrievalClient(toolRuntimeAddress);

  const chat = createChat({ retrieval, models });
  const chatAddress = await serve("chat", config.CHAT_GRPC_PORT, (server) => chat.register(server));

  const ingestion = createIngestion({
    store: ingestionStore,
    bus,
    logger: logger.child({ service: "ingestion" }),
    allowedRoots,
    secrets,
    outboundPolicy,
  });
  const ingestionAddress = await serve("ingestion", config.INGESTION_GRPC_PORT, (server) => ingestion.register(server));
  await ingestion.start();

  const worker = createConnectorWorker({
    bus,
    store: workerStore,
    vectorIndex,
    models,
    logger: logger.child({ service: "connector-worker" }),
    readers: { repositoryCacheDirectory: join(dataDir, "repositories"), maxFileBytes: config.MAX_FILE_BYTES, allowedRoots, secrets, outboundPolicy },
    batchSize: config.INGESTION_BATCH_SIZE,
    retry: { attempts: config.INDEXING_RETRY_ATTEMPTS, backoffMs: config.INDEXING_RETRY_BACKOFF_MS },
  });
  await worker.start();

  const gateway = createGateway({
    logger: logger.child({ service: "gateway" }),
    addresses: { ingestion: ingestionAddress, chat: chatAddress, toolRuntime: toolRuntimeAddress, llmProfiles: llmProfilesAddress },
  });
  const gatewayPort = await gateway.listen(config.GATEWAY_HOST, config.GATEWAY_PORT);

  return {
    gatewayUrl: `http://${config.GATEWAY_HOST}:${gatewayPort}`,
    grpcPorts,
    async stop() {
      await gateway.close();
      await Promise.all(servers.map((server) => server.shutdown()));
      await worker.close();
      await ingestion.close();
      await Promise.all([chat.close(), toolRuntime.close(), llmProfiles.close()]);
      models.close();
      retrieval.close();
      await bus.close();
      await Promise.all([ingestionStore.close(), workerStore.close(), vectorIndex.close()]);
    },
  };
}
