import { parseConfigOrExit } from "@qamesh/config";
import { createLogger } from "@qamesh/logger";
import type { MeshTrustConfig } from "@qamesh/mesh-auth";
import { AdapterPool } from "@qamesh/runtime-adapters";
import type { z } from "zod";
import { shutdownOnSignal, startOrExit } from "./process-signals.js";
import type { MeshService, ServiceRecipe } from "./service-recipe.js";
import { startService } from "./start-service.js";

/**
 * A service's `main`: configured by the process environment, alone in its process, stopped
 * gracefully by SIGTERM. A bad variable (exit 2) or a failed start (exit 1) ends the process
 * with one line.
 */
export async function runServiceMain<Schema extends z.ZodType<MeshTrustConfig>, Service extends MeshService>(recipe: ServiceRecipe<Schema, Service>): Promise<void> {
  const config = parseConfigOrExit(recipe.name, recipe.configSchema, process.env);
  const level = (config as { LOG_LEVEL?: string }).LOG_LEVEL;
  const logger = createLogger({ service: recipe.name, ...(level ? { level } : {}) });
  const running = await startOrExit(recipe.name, () => startService(recipe, config, logger, new AdapterPool()));
  logger.info({ grpcPort: running.grpcPort }, `${recipe.name} running`);
  shutdownOnSignal(logger, () => running.stop());
}
