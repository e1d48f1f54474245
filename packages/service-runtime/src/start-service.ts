import { GrpcServer } from "@qamesh/grpc";
import { AssertionVerifier, principalGuard, thumbprint, trustedKeys, type MeshTrustConfig } from "@qamesh/mesh-auth";
import type { Logger } from "@qamesh/logger";
import type { AdapterPool } from "@qamesh/runtime-adapters";
import type { z } from "zod";
import { Lifecycle } from "./lifecycle.js";
import type { MeshService, ServiceRecipe } from "./service-recipe.js";

export interface RunningService<Service extends MeshService> {
  name: string;
  service: Service;
  /** The bound gRPC port, when the service has a gRPC server. */
  grpcPort: number | undefined;
  /** Graceful: stop serving (draining calls), stop the service, then close what it opened. */
  stop(): Promise<void>;
}

/**
 * Composes the service from its validated configuration, registers it on its own gRPC server,
 * starts it and listens. Anything opened before a failure is closed again. The server takes
 * calls only with an assertion signed by keys of the mesh (its guard; health stays open).
 */
export async function startService<Schema extends z.ZodType<MeshTrustConfig>, Service extends MeshService>(
  recipe: ServiceRecipe<Schema, Service>,
  config: z.infer<Schema>,
  logger: Logger,
  adapters: AdapterPool,
): Promise<RunningService<Service>> {
  const lifecycle = new Lifecycle();
  try {
    const { service, grpc } = await recipe.compose({ config, logger, lifecycle, adapters });
    const server = grpc ? new GrpcServer({ logger, guard: await meshGuard(config, logger) }) : undefined;
    if (server) service.register(server);
    await service.start();
    lifecycle.onStop("service", () => service.stop());
    const grpcPort = server && grpc ? await server.listen(grpc.host, grpc.port) : undefined;
    if (server) lifecycle.onStop("grpc server", () => server.shutdown());
    return { name: recipe.name, service, grpcPort, stop: () => lifecycle.stop(logger) };
  } catch (error) {
    await lifecycle.stop(logger);
    throw error;
  }
}

async function meshGuard(config: MeshTrustConfig, logger: Logger) {
  const keys = await trustedKeys(config);
  // Fingerprints an operator can compare between services when calls are refused.
  logger.info({ gatewayKey: await thumbprint(keys.gateway), serviceKey: await thumbprint(keys.service) }, "taking calls asserted by these mesh keys");
  return principalGuard(await AssertionVerifier.create(keys));
}
