import { join, resolve } from "node:path";
import { chatRecipe } from "@qamesh/chat";
import { freePort, parseConfig } from "@qamesh/config";
import { connectorWorkerRecipe } from "@qamesh/connector-worker";
import { gatewayRecipe } from "@qamesh/gateway";
import { ingestionRecipe } from "@qamesh/ingestion";
import { llmProfilesRecipe } from "@qamesh/llm-profiles";
import type { Logger } from "@qamesh/logger";
import type { MeshTrustConfig } from "@qamesh/mesh-auth";
import { AdapterPool } from "@qamesh/runtime-adapters";
import { startService, type MeshService, type RunningService, type ServiceRecipe } from "@qamesh/service-runtime";
import { toolRuntimeRecipe } from "@qamesh/tool-runtime";
import type { z } from "zod";
import { standaloneConfigSchema } from "./config.js";

const loopback = "127.0.0.1";

/** Where standalone keeps root's generated password (mode 0600). */
export const rootPasswordFile = (dataDir: string) => join(dataDir, "root-password");

export interface RunningStandalone {
  gatewayUrl: string;
  grpcPorts: Record<string, number>;
  /** Graceful stop: gateway first, then the services in reverse order of starting. */
  stop(): Promise<void>;
}

/**
 * The whole mesh in one process: every service's own recipe (the composition its main runs),
 * each on its own loopback gRPC port, talking over gRPC and the bus exactly as when distributed.
 * Embedded adapters unless the environment names real servers; services naming the same
 * embedded file share one instance. `env` is the process environment, or a test's own.
 */
export async function startStandalone(env: Record<string, string | undefined>, logger: Logger): Promise<RunningStandalone> {
  const own = parseConfig(standaloneConfigSchema, env);
  // Chat's port is chosen before the services start (tool-runtime must know it) and bound only
  // when chat starts: another process may take it meanwhile. Then the mesh starts again on another.
  for (let attempt = 1; ; attempt++) {
    const chatPort = own.CHAT_GRPC_PORT || (await freePort());
    try {
      return await startMesh(env, own, chatPort, logger);
    } catch (error) {
      const taken = /EADDRINUSE/.test(String(error)) && String(error).includes(`:${chatPort}`);
      if (own.CHAT_GRPC_PORT || !taken || attempt === 3) throw error;
      logger.warn({ port: chatPort }, "the port chosen for chat was taken before it started; starting again on another");
    }
  }
}

async function startMesh(env: Record<string, string | undefined>, own: z.output<typeof standaloneConfigSchema>, chatPort: number, logger: Logger): Promise<RunningStandalone> {
  const dataDir = resolve(own.DATA_DIR);
  const shared = {
    ...env,
    LOG_LEVEL: own.LOG_LEVEL,
    BUS_FILE: join(dataDir, "bus.sqlite"),
    VECTOR_DIR: join(dataDir, "vectors"),
    LEXICAL_FILE: join(dataDir, "lexical.sqlite"),
    // Ingestion seals source credentials and the worker opens them, tool-runtime and llm-profiles seal their secrets: one key file.
    ENCRYPTION_KEY_FILE: join(dataDir, "encryption.key"),
    // The gateway and the worker sign, every service verifies: one set of mesh keys for all.
    MESH_KEYS_FILE: join(dataDir, "mesh-keys.json"),
  };
  // tool-runtime asks chat about approvals and starts first: chat's port is settled before either starts.
  const addresses: Record<string, string> = { CHAT_ADDRESS: `${loopback}:${chatPort}` };
  const environments: [ServiceRecipe<z.ZodType<MeshTrustConfig>, MeshService>, () => Record<string, string | undefined>][] = [
    [llmProfilesRecipe, () => ({ ...shared, LLM_PROFILES_GRPC_HOST: loopback, LLM_PROFILES_GRPC_PORT: String(own.LLM_PROFILES_GRPC_PORT), LLM_PROFILES_DB_FILE: join(dataDir, "llm-profiles.sqlite") })],
    [ingestionRecipe, () => ({ ...shared, INGESTION_GRPC_HOST: loopback, INGESTION_GRPC_PORT: String(own.INGESTION_GRPC_PORT), INGESTION_DB_FILE: join(dataDir, "ingestion.sqlite") })],
    [toolRuntimeRecipe, () => ({ ...shared, ...addresses, TOOL_RUNTIME_GRPC_HOST: loopback, TOOL_RUNTIME_GRPC_PORT: String(own.TOOL_RUNTIME_GRPC_PORT), TOOL_RUNTIME_DB_FILE: join(dataDir, "tool-runtime.sqlite") })],
    [chatRecipe, () => ({ ...shared, ...addresses, CHAT_GRPC_HOST: loopback, CHAT_GRPC_PORT: String(chatPort), CHAT_DB_FILE: join(dataDir, "chat.sqlite") })],
    [
      connectorWorkerRecipe,
      () => ({
        ...shared,
        ...addresses,
        CONNECTOR_WORKER_GRPC_HOST: loopback,
        CONNECTOR_WORKER_GRPC_PORT: String(own.CONNECTOR_WORKER_GRPC_PORT),
        WORKER_DB_FILE: join(dataDir, "connector-worker.sqlite"),
        REPOSITORY_CACHE_DIR: join(dataDir, "repositories"),
      }),
    ],
  ];
  const addressVariable: Record<string, string> = {
    "llm-profiles": "LLM_PROFILES_ADDRESS",
    "tool-runtime": "TOOL_RUNTIME_ADDRESS",
    chat: "CHAT_ADDRESS",
    ingestion: "INGESTION_ADDRESS",
  };

  const adapters = new AdapterPool();
  const running: RunningService<MeshService>[] = [];
  const stopAll = async () => {
    for (const service of running.splice(0).reverse()) await service.stop();
  };
  try {
    for (const [recipe, environment] of environments) {
      const started = await startService(recipe, parseConfig(recipe.configSchema, environment()), logger.child({ service: recipe.name }), adapters);
      running.push(started);
      const variable = addressVariable[recipe.name];
      if (variable && started.grpcPort !== undefined) addresses[variable] = `${loopback}:${started.grpcPort}`;
    }
    const gateway = await startService(
      gatewayRecipe,
      parseConfig(gatewayRecipe.configSchema, {
        ...shared,
        ...addresses,
        GATEWAY_HOST: own.GATEWAY_HOST,
        GATEWAY_PORT: String(own.GATEWAY_PORT),
        GATEWAY_DB_FILE: join(dataDir, "gateway.sqlite"),
        // Without QAMESH_ROOT_PASSWORD, root's generated password is printed once and kept here.
        ROOT_PASSWORD_FILE: rootPasswordFile(dataDir),
      }),
      logger.child({ service: "gateway" }),
      adapters,
    );
    running.push(gateway);
    return {
      gatewayUrl: gateway.service.url,
      grpcPorts: Object.fromEntries(running.filter((service) => service.grpcPort !== undefined).map((service) => [service.name, service.grpcPort!])),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
