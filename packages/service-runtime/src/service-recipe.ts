import type { GrpcServer } from "@qamesh/grpc";
import type { Logger } from "@qamesh/logger";
import type { MeshTrustConfig } from "@qamesh/mesh-auth";
import type { AdapterPool } from "@qamesh/runtime-adapters";
import type { z } from "zod";
import type { Lifecycle } from "./lifecycle.js";

/** The one shape of every service: what it serves, what it runs, how it stops. */
export interface MeshService {
  /** Adds its gRPC services and the dependency checks of its health (some serve health only). */
  register(server: GrpcServer): void;
  /** Starts consumers, relays or listeners; runs after register, before the server listens. */
  start(): Promise<void>;
  /** Stops what start began. Adapters and clients are released by the lifecycle afterwards. */
  stop(): Promise<void>;
}

export interface ComposeContext<Config> {
  config: Config;
  logger: Logger;
  /** Where to register what must be closed when the service stops. */
  lifecycle: Lifecycle;
  /** Opens the adapters the configuration selects, shared by the services of one process. */
  adapters: AdapterPool;
}

/**
 * How to build a service from its validated environment: its composition root. Every service's
 * configuration says which mesh keys it trusts (meshTrustConfigShape). A service's
 * main runs it alone; standalone runs every recipe in one process, with the same code.
 */
export interface ServiceRecipe<Schema extends z.ZodType<MeshTrustConfig>, Service extends MeshService = MeshService> {
  name: string;
  configSchema: Schema;
  compose(context: ComposeContext<z.infer<Schema>>): Promise<{
    service: Service;
    /** Where its gRPC server listens (port 0 picks a free one); none for the gateway, which serves HTTP. */
    grpc?: { host: string; port: number };
  }>;
}
