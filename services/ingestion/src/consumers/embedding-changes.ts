import { decodeEvent, topics } from "@qamesh/events";
import { requestIdHeader, type EventBus, type Subscription } from "@qamesh/ports";
import type { IngestionRunUseCases } from "../app/ingestion-run-use-cases.js";

/**
 * A project's new embedding model (announced by llm-profiles) starts a full run of all its
 * sources into an emptied index. A redelivered announcement finds that run and does not start another.
 */
export function subscribeToEmbeddingChanges(bus: EventBus, runs: IngestionRunUseCases): Promise<Subscription> {
  return bus.subscribe({
    group: "ingestion",
    topic: topics.embeddingChanged.name,
    handler: async (event) => {
      const changed = decodeEvent(topics.embeddingChanged, event.payload);
      await runs.reindexForNewEmbedding(changed.projectId, event.id, event.headers[requestIdHeader] ?? "");
    },
  });
}
