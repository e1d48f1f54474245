import { decodeEvent, topics } from "@qamesh/events";
import { requestIdHeader, type BusEvent, type Subscription } from "@qamesh/ports";
import { discoverSource } from "../app/discover-source.js";
import { indexBatch } from "../app/index-batch.js";
import { removeSources } from "../app/remove-sources.js";
import type { WorkerDeps } from "../app/worker-deps.js";

/** All connector workers share one consumer group, so each piece of work goes to one of them. */
export const workerGroup = "connector-workers";

const requestIdOf = (event: BusEvent) => event.headers[requestIdHeader] ?? "";

/** The deps for handling one event: logs carry the request id that started the work. */
const forEvent = (deps: WorkerDeps, event: BusEvent): WorkerDeps => ({
  ...deps,
  logger: deps.logger.child({ requestId: requestIdOf(event), eventId: event.id, topic: event.topic }),
});

export async function subscribeWorker(deps: WorkerDeps): Promise<Subscription[]> {
  return Promise.all([
    deps.bus.subscribe({
      group: workerGroup,
      topic: topics.ingestionRequested.name,
      handler: async (event) => {
        const requested = decodeEvent(topics.ingestionRequested, event.payload);
        for (const source of requested.sources) {
          await discoverSource(forEvent(deps, event), { runId: requested.runId, projectId: requested.projectId, mode: requested.mode, source, requestId: requestIdOf(event) });
        }
      },
    }),
    deps.bus.subscribe({
      group: workerGroup,
      topic: topics.ingestionBatch.name,
      handler: (event) => indexBatch(forEvent(deps, event), decodeEvent(topics.ingestionBatch, event.payload), requestIdOf(event)),
    }),
    deps.bus.subscribe({
      group: workerGroup,
      topic: topics.sourcesRemoved.name,
      handler: (event) => removeSources(forEvent(deps, event), decodeEvent(topics.sourcesRemoved, event.payload)),
    }),
  ]);
}
