import { decodeEvent, topics } from "@qamesh/events";
import { ContextValues, requestIdKey, runWithContextValues, type CredentialSource } from "@qamesh/grpc";
import type { ServicePrincipal } from "@qamesh/authorization";
import { actAs } from "@qamesh/mesh-auth";
import { requestIdHeader, type BusEvent, type Subscription } from "@qamesh/ports";
import { discoverSource } from "../app/discover-source.js";
import { indexBatch } from "../app/index-batch.js";
import { removeSources } from "../app/remove-sources.js";
import { resetIndexOnce } from "../app/index-resets.js";
import type { WorkerDeps } from "../app/worker-deps.js";

/** All connector workers share one consumer group, so each piece of work goes to one of them. */
export const workerGroup = "connector-workers";

const requestIdOf = (event: BusEvent) => event.headers[requestIdHeader] ?? "";

/** The deps for handling one event: logs carry the request id that started the work. */
const forEvent = (deps: WorkerDeps, event: BusEvent): WorkerDeps => ({
  ...deps,
  logger: deps.logger.child({ requestId: requestIdOf(event), eventId: event.id, topic: event.topic }),
});

/** Who indexing is done for: the worker itself (what it may do is the service column of the permission table). */
export const connectorWorkerPrincipal: ServicePrincipal = { kind: "service", service: "connector-worker" };

/** `serviceCredential`: the worker's own assertion, with which it calls the models for no user. */
export async function subscribeWorker(deps: WorkerDeps, serviceCredential: CredentialSource): Promise<Subscription[]> {
  /**
   * Handles an event as part of the request that caused it (calls made meanwhile carry its id),
   * and as the worker itself: the user who asked is long gone, and an event proves nothing of them.
   */
  const asPartOfRequest =
    (handler: (event: BusEvent) => Promise<void>) =>
    (event: BusEvent): Promise<void> => {
      const values = new ContextValues().set(requestIdKey, requestIdOf(event));
      actAs(values, connectorWorkerPrincipal, serviceCredential);
      return runWithContextValues(values, () => handler(event));
    };

  return Promise.all([
    deps.bus.subscribe({
      group: workerGroup,
      topic: topics.ingestionRequested.name,
      handler: asPartOfRequest(async (event) => {
        const requested = decodeEvent(topics.ingestionRequested, event.payload);
        if (requested.resetIndex) await resetIndexOnce(forEvent(deps, event), requested.projectId, requested.runId);
        for (const source of requested.sources) {
          await discoverSource(forEvent(deps, event), { runId: requested.runId, projectId: requested.projectId, mode: requested.mode, source, requestId: requestIdOf(event) });
        }
      }),
    }),
    deps.bus.subscribe({
      group: workerGroup,
      topic: topics.ingestionBatch.name,
      handler: asPartOfRequest((event) => indexBatch(forEvent(deps, event), decodeEvent(topics.ingestionBatch, event.payload), requestIdOf(event))),
    }),
    deps.bus.subscribe({
      group: workerGroup,
      topic: topics.sourcesRemoved.name,
      handler: (event) => removeSources(forEvent(deps, event), decodeEvent(topics.sourcesRemoved, event.payload)),
    }),
  ]);
}
