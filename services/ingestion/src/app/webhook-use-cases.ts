import { authorizeWebhook, type CallPrincipal } from "@qamesh/authorization";
import { sourceTypeNamed, type WebhookDelivery } from "@qamesh/connectors";
import { isAppError, notFound } from "@qamesh/errors";
import type { Logger } from "@qamesh/logger";
import { applyOnce } from "@qamesh/outbox";
import type { DocumentStore } from "@qamesh/ports";
import { isFinished, type IngestionRunUseCases } from "./ingestion-run-use-cases.js";
import { collections, type SourceRecord } from "./records.js";
import type { SourceUseCases } from "./source-use-cases.js";

/** What became of a delivery. */
export interface WebhookReceipt {
  status: "accepted" | "queued" | "duplicate" | "ignored" | "reported" | "refused";
  runId: string;
  reason: string;
  event: string;
}

export interface WebhookUseCasesDeps {
  store: DocumentStore;
  sources: SourceUseCases;
  runs: IngestionRunUseCases;
  logger: Logger;
  clock: () => Date;
  onEventsCommitted: () => void;
}

/** Apply-once markers of deliveries are kept under this group, per source. */
const deliveriesGroup = "webhook-delivery";

export function webhookUseCases({ store, sources, runs, logger, clock, onEventsCommitted }: WebhookUseCasesDeps) {
  const sourcesAcrossProjects = store.collection<SourceRecord>(collections.sources);

  /**
   * A delivery that found a run of its source under way marked the source for another; if that
   * run ended between the two, nobody would start the next one: this does.
   */
  async function followEndedRun(projectId: string, sourceId: string, requestId: string): Promise<void> {
    const started = await store.transaction(async (tx) => {
      const source = await tx.collection<SourceRecord>(collections.sources).get(projectId, sourceId);
      if (!source?.syncPending || !source.syncRunId) return false;
      const active = await runs.getForService(tx, projectId, source.syncRunId);
      if (active && !isFinished(active)) return false;
      await runs.sync(tx, source, "webhook", requestId);
      return true;
    });
    if (started) onEventsCommitted();
  }

  return {
    /**
     * Authenticates a delivery with its source's webhook secret (401 when it does not match),
     * then acts on it once, however often it is delivered: a push to the source's branch brings
     * the source up to date, other events are ignored, a deleted branch is reported on a run.
     * Answers at once: the work goes to the workers on the bus.
     */
    async receive(principal: CallPrincipal, sourceId: string, delivery: WebhookDelivery, requestId: string): Promise<WebhookReceipt> {
      authorizeWebhook(principal, sourceId);
      // The webhook's address names the source alone; what it finds is then scoped by its project.
      const [source] = await sourcesAcrossProjects.findAcrossProjects({ id: sourceId }, { limit: 1 });
      const secret = source && sources.webhookSecret(source);
      const receiveWebhook = source && sourceTypeNamed(source.spec.type).receiveWebhook;
      if (!source || !secret || !receiveWebhook) throw notFound("no webhook is set up at this address");
      const { type: _type, ...config } = source.spec;
      let outcome;
      try {
        outcome = await receiveWebhook(delivery, secret, config);
      } catch (error) {
        // Not the mesh refusing a call (which `unauthenticated` would say between services): the
        // delivery's signature, which the gateway answers 401.
        if (!isAppError(error) || error.code !== "unauthenticated") throw error;
        logger.warn({ requestId, projectId: source.projectId, sourceId, reason: error.message }, "webhook delivery refused");
        return { status: "refused", runId: "", reason: error.message, event: "" };
      }
      const log = logger.child({ requestId, projectId: source.projectId, sourceId, deliveryId: outcome.deliveryId, event: outcome.event });
      if (outcome.action === "ignore") {
        log.info({ reason: outcome.reason }, "webhook delivery ignored");
        return { status: "ignored", runId: "", reason: outcome.reason, event: outcome.event };
      }
      let receipt: WebhookReceipt = { status: "duplicate", runId: "", reason: "this delivery was received before", event: outcome.event };
      try {
        await applyOnce(
          store,
          deliveriesGroup,
          source.projectId,
          { id: `${sourceId}:${outcome.deliveryId}` },
          async (tx) => {
            // Read again inside the transaction: a run may have started or ended meanwhile.
            const current = (await tx.collection<SourceRecord>(collections.sources).get(source.projectId, sourceId)) ?? source;
            if (outcome.action === "report") {
              const run = await runs.report(tx, current, "webhook", outcome.reason);
              receipt = { status: "reported", runId: run.id, reason: outcome.reason, event: outcome.event };
              return;
            }
            const { run, queued } = await runs.sync(tx, current, "webhook", requestId, outcome.documents ?? []);
            receipt = {
              status: queued ? "queued" : "accepted",
              runId: run.id,
              reason: queued ? `${outcome.reason}; run ${run.id} of this source is under way, another follows it` : outcome.reason,
              event: outcome.event,
            };
          },
          clock(),
        );
      } catch (error) {
        // The same delivery, received twice at once: the other one acts on it.
        if (!isAppError(error) || error.code !== "already_exists") throw error;
      }
      onEventsCommitted();
      log.info({ status: receipt.status, runId: receipt.runId, reason: outcome.reason }, "webhook delivery received");
      if (receipt.status === "queued") await followEndedRun(source.projectId, sourceId, requestId);
      return receipt;
    },
  };
}

export type WebhookUseCases = ReturnType<typeof webhookUseCases>;
