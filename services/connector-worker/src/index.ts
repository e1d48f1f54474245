import type { Subscription } from "@qamesh/ports";
import type { WorkerDeps } from "./app/worker-deps.js";
import { subscribeWorker } from "./consumers/worker-subscriptions.js";

export { connectorWorkerConfigSchema } from "./config.js";
export type { WorkerDeps } from "./app/worker-deps.js";

/** The connector worker as a value: consumes ingestion work from the bus. It serves no RPCs. */
export function createConnectorWorker(deps: WorkerDeps) {
  let subscriptions: Subscription[] = [];
  return {
    async start() {
      subscriptions = await subscribeWorker(deps);
    },
    async close() {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    },
  };
}
export { chunkText } from "./chunking/chunk-text.js";
export { chunkId } from "./app/indexed-files.js";
