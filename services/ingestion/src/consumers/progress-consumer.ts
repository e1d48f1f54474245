import { create } from "@bufbuild/protobuf";
import { decodeEvent, encodeEvent, topics } from "@qamesh/events";
import type { Logger } from "@qamesh/logger";
import { addToOutbox, applyOnce } from "@qamesh/outbox";
import { requestIdHeader, type BusEvent, type DocumentStore, type EventBus, type Subscription } from "@qamesh/ports";
import { IngestionCountsSchema } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import { foldProgress } from "../app/fold-progress.js";
import { isFinished, type IngestionRunUseCases } from "../app/ingestion-run-use-cases.js";
import { collections, type RunRecord } from "../app/records.js";
import { runStatusMessage } from "../grpc/ingestion-messages.js";

export const progressConsumerGroup = "ingestion-progress";

/**
 * Folds worker progress into runs, once per event, and announces finished runs on
 * `ingestion.completed` through the outbox.
 */
export function subscribeProgressConsumer(deps: {
  bus: EventBus;
  store: DocumentStore;
  logger: Logger;
  clock: () => Date;
  onEventsCommitted: () => void;
  runs: IngestionRunUseCases;
}): Promise<Subscription> {
  const handle = async (event: BusEvent) => {
    const progress = decodeEvent(topics.ingestionProgress, event.payload);
    await applyOnce(deps.store, progressConsumerGroup, progress.projectId, event, async (tx) => {
      const runsOf = tx.collection<RunRecord>(collections.runs);
      const run = await runsOf.get(progress.projectId, progress.runId);
      if (!run) return; // The project or run was deleted meanwhile; nothing to fold into.
      const next = foldProgress(run, progress, deps.clock().toISOString());
      if (next === run) return;
      await runsOf.put(next);
      if (isFinished(next)) {
        await deps.runs.afterRunEnded(tx, next, event.headers[requestIdHeader] ?? "");
        await addToOutbox(
          tx,
          next.projectId,
          encodeEvent(
            topics.ingestionCompleted,
            { runId: next.id, projectId: next.projectId, status: runStatusMessage(next.status), counts: create(IngestionCountsSchema, next.counts), trigger: next.trigger ?? "user" },
            { id: `${next.id}:completed`, key: next.projectId, requestId: event.headers[requestIdHeader] ?? "" },
          ),
        );
        deps.logger.info({ requestId: event.headers[requestIdHeader], runId: next.id, projectId: next.projectId, status: next.status, counts: next.counts }, "ingestion run finished");
      }
    }, deps.clock());
    deps.onEventsCommitted();
  };
  return deps.bus.subscribe({ group: progressConsumerGroup, topic: topics.ingestionProgress.name, handler: handle });
}
