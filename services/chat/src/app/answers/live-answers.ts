import type { NumberedEvent } from "./answer-events.js";

/**
 * An answer this replica is writing right now: its events since it (re)started, kept in memory
 * so followers on this replica get each one the moment it happens instead of from the store.
 */
export class LiveAnswer {
  readonly events: NumberedEvent[] = [];
  readonly controller = new AbortController();
  /** Why it is being stopped, once it is: the user asked, or this service is shutting down. */
  stopReason: "user" | "shutdown" | "deleted" | undefined;
  private ended = false;
  private wake: (() => void) | undefined;
  private resolveFinished!: () => void;
  /** Settles once the run has written its last event and its message. */
  readonly finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  constructor(
    readonly projectId: string,
    readonly messageId: string,
    /** The number of the first event this run writes; earlier ones are in the store. */
    readonly firstSeq: number,
  ) {}

  push(event: NumberedEvent): void {
    this.events.push(event);
    this.notify();
  }

  stop(reason: "user" | "shutdown" | "deleted"): void {
    this.stopReason ??= reason;
    this.controller.abort();
  }

  end(): void {
    this.ended = true;
    this.notify();
    this.resolveFinished();
  }

  /** Every event after `after` (which must be at least firstSeq - 1), as they come, until the run ends or `signal` fires. */
  async *follow(after: number, signal: AbortSignal | undefined): AsyncIterable<NumberedEvent> {
    let next = after + 1 - this.firstSeq;
    for (;;) {
      while (next < this.events.length) yield this.events[next++]!;
      if (this.ended || signal?.aborted) return;
      await this.nextChange(signal);
    }
  }

  private nextChange(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.wake;
      const done = () => {
        signal?.removeEventListener("abort", done);
        resolve();
      };
      // Every follower waiting is woken by the next change.
      this.wake = () => {
        previous?.();
        done();
      };
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The answers this replica is writing, by message id. */
export class LiveAnswers {
  private readonly answers = new Map<string, LiveAnswer>();

  start(projectId: string, messageId: string, firstSeq: number): LiveAnswer {
    const live = new LiveAnswer(projectId, messageId, firstSeq);
    this.answers.set(messageId, live);
    return live;
  }

  get(projectId: string, messageId: string): LiveAnswer | undefined {
    const live = this.answers.get(messageId);
    return live?.projectId === projectId ? live : undefined;
  }

  finish(live: LiveAnswer): void {
    live.end();
    if (this.answers.get(live.messageId) === live) this.answers.delete(live.messageId);
  }

  /** Every answer still being written (to stop them when the service stops). */
  all(): LiveAnswer[] {
    return [...this.answers.values()];
  }
}
