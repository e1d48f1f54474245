import type { Logger } from "@qamesh/logger";
import type { DocumentStore } from "@qamesh/ports";
import { pruneExpiredMarkers } from "./processed-events.js";

/** Deletes expired apply-once markers at start and then every few hours, so they do not pile up. */
export class ExpiredMarkerPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: { store: DocumentStore; logger: Logger; clock: () => Date; intervalMs?: number }) {}

  start(): void {
    this.timer = setInterval(() => this.prune(), this.deps.intervalMs ?? 6 * 3_600_000);
    this.timer.unref();
    this.prune();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private prune(): void {
    if (this.running) return;
    this.running = pruneExpiredMarkers(this.deps.store, this.deps.clock())
      .then((deleted) => {
        if (deleted > 0) this.deps.logger.info({ deleted }, "expired apply-once markers pruned");
      })
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, "could not prune expired apply-once markers; will try again"))
      .finally(() => {
        this.running = undefined;
      });
  }
}
