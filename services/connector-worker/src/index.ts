import type { CredentialSource, GrpcServer } from "@qamesh/grpc";
import type { Subscription } from "@qamesh/ports";
import type { MeshService } from "@qamesh/service-runtime";
import type { WorkerDeps } from "./app/worker-deps.js";
import { subscribeWorker } from "./consumers/worker-subscriptions.js";

export { connectorWorkerConfigSchema } from "./config.js";
export { connectorWorkerRecipe } from "./recipe.js";
export type { WorkerDeps } from "./app/worker-deps.js";
export { FileChunker } from "./chunking/file-chunker.js";
export { chunkId } from "./app/indexed-files.js";

/**
 * The connector worker as a value: consumes ingestion work from the bus, calling the models with
 * `serviceCredential` (its own, as no user is behind the work); its server answers health only.
 */
export function createConnectorWorker(deps: WorkerDeps, serviceCredential: CredentialSource): MeshService {
  let subscriptions: Subscription[] = [];
  return {
    register(server: GrpcServer) {
      for (const dependency of [deps.store, deps.bus, deps.chunkIndex]) server.health.addDependencyCheck(() => dependency.ping());
    },
    async start() {
      subscriptions = await subscribeWorker(deps, serviceCredential);
    },
    async stop() {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    },
  };
}
