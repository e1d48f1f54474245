import { encodeEvent, topics } from "@qamesh/events";
import { randomUUID } from "node:crypto";
import type { WorkerDeps } from "./worker-deps.js";

/**
 * What a reader calls when a provider makes it wait (a rate limit): the run is told until when
 * and why, so it does not look stuck. Fire and forget: the wait goes on whether or not the
 * report got through.
 */
export function waitingReporter(deps: WorkerDeps, run: { runId: string; projectId: string; sourceId: string; requestId: string }) {
  return (seconds: number, reason: string): void => {
    const event = encodeEvent(
      topics.ingestionProgress,
      { runId: run.runId, projectId: run.projectId, sourceId: run.sourceId, step: { case: "sourceWaiting", value: { untilMs: BigInt(Date.now() + seconds * 1000), reason } } },
      { id: `${run.runId}:${run.sourceId}:waiting:${randomUUID()}`, key: run.runId, requestId: run.requestId },
    );
    deps.logger.info({ runId: run.runId, sourceId: run.sourceId, seconds, reason }, "reading waits");
    deps.bus.publish([event]).catch((error: unknown) => deps.logger.warn({ err: error, runId: run.runId }, "could not report a wait"));
  };
}
