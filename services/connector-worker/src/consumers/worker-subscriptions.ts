import { decodeEvent, topics } from "@qamesh/events";
import type { BusEvent, Subscription } from "@qamesh/ports";
import { discoverSource } from "../app/discover-source.js";
import { indexBatch } from "../app/index-batch.js";
import { removeSources } from "../app/remove-sources.js";
import type { WorkerDeps } from "../app/worker-deps.js";

/** All connector workers share one consumer group, so each piece of work goes to one of them. */
export const workerGroup = "connector-workers";

const requestIdOf = (event: BusEvent) => event.headers["x-request-id"] ?? "";

export async function subscribeWorker(deps: WorkerDeps): Promise<Subscription[]> {
  return Promise.all([
    deps.bus.subscribe({
      group: workerGroup,
      topic: topics.ingestionRequested.name,
      handler: async (event) => {
        const requested = decodeEvent(topics.ingestionRequested, event.payload);
        for (const source of requested.sources) {
          await discoverSource(deps, { runId: requested.runId, projectId: requested.projectId, mode: requested.mode, source, requestId: requestIdOf(event) });
        }
      },
    }),
    deps.bus.subscribe({
      group: workerGroup,
      topic: topics.ingestionBatch.name,
      handler: (event) => indexBatch(deps, decodeEvent(topics.ingestionBatch, event.payload), requestIdOf(event)),
    }),
    deps.bus.subscribe({
      group: workerGroup,
      topic: topics.sourcesRemoved.name,
      handler: (event) => removeSources(deps, decodeEvent(topics.sourcesRemoved, event.payload)),
    }),
  ]);
}
