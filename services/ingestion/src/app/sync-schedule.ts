import type { Logger } from "@qamesh/logger";
import { applyOnce } from "@qamesh/outbox";
import type { DocumentStore } from "@qamesh/ports";
import type { IngestionRunUseCases } from "./ingestion-run-use-cases.js";
import { collections, type SourceRecord } from "./records.js";

/** Claims of a schedule's slots are apply-once markers under this group. */
const slotsGroup = "scheduled-sync";

/**
 * Brings sources with a polling schedule up to date: every `sweepMs`, each such source whose
 * period has begun anew since its last sync gets one (coalesced with a run under way, as a
 * webhook's is). Periods are counted from the epoch, and each period is claimed by inserting its
 * marker, so any number of ingestion replicas start one run per source and period between them.
 * Webhooks are the quick path; this catches what a lost delivery missed.
 */
export class SyncSchedule {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      store: DocumentStore;
      runs: IngestionRunUseCases;
      logger: Logger;
      clock: () => Date;
      onEventsCommitted: () => void;
      sweepMs: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.deps.sweepMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One pass over the scheduled sources; a pass still running is not doubled. */
  sweep(): Promise<void> {
    this.sweeping ??= this.syncDueSources()
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, "scheduled syncs failed; the next sweep tries again"))
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  private async syncDueSources(): Promise<void> {
    const { store, runs, clock, logger } = this.deps;
    const scheduled = await store.collection<SourceRecord>(collections.sources).findAcrossProjects({ syncScheduled: true });
    let started = 0;
    for (const source of scheduled) {
      if (!source.syncEverySeconds) continue;
      const now = clock();
      const period = Math.floor(now.getTime() / (source.syncEverySeconds * 1000));
      const marker = { id: `${source.id}:${source.syncEverySeconds}:${period}` };
      const claimed = await applyOnce(
        store,
        slotsGroup,
        source.projectId,
        marker,
        async (tx) => {
          const current = await tx.collection<SourceRecord>(collections.sources).get(source.projectId, source.id);
          if (current?.syncScheduled) await runs.sync(tx, current, "schedule", `schedule:${marker.id}`);
        },
        now,
      ).catch((error: unknown) => {
        // Another replica claimed this period at the same moment.
        if ((error as { code?: string }).code === "already_exists") return false;
        throw error;
      });
      if (claimed) started++;
    }
    if (started > 0) {
      this.deps.onEventsCommitted();
      logger.info({ sources: started }, "scheduled syncs started");
    }
  }
}
