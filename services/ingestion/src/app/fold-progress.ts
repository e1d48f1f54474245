import type { IngestionProgress } from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";
import type { RunRecord } from "./records.js";

/** A run keeps this many file errors, each cut to this length, so a run record stays small. */
const maxStoredErrors = 200;
const maxErrorMessageLength = 1000;
const shortened = (message: string) => (message.length > maxErrorMessageLength ? `${message.slice(0, maxErrorMessageLength - 1)}…` : message);

/**
 * Applies one worker progress event to a run and settles the run when every source has
 * either failed or had all its batches completed. Pure: the caller stores the result and
 * guarantees each event is applied once.
 */
export function foldProgress(run: RunRecord, progress: IngestionProgress, now: string): RunRecord {
  if (run.status === "succeeded" || run.status === "failed") return run;
  const source = run.sources[progress.sourceId];
  if (!source) return run;
  if (progress.step.case === "sourceWaiting") {
    const until = new Date(Number(progress.step.value.untilMs)).toISOString();
    return { ...run, status: "running", startTime: run.startTime ?? now, waitingUntil: until, waitingReason: shortened(progress.step.value.reason) };
  }
  const next: RunRecord = {
    ...run,
    status: "running",
    startTime: run.startTime ?? now,
    counts: { ...run.counts },
    errors: [...run.errors],
    sources: { ...run.sources, [progress.sourceId]: { ...source } },
  };
  const sourceProgress = next.sources[progress.sourceId]!;
  const step = progress.step;
  switch (step.case) {
    case "discovered":
      sourceProgress.discovered = true;
      sourceProgress.batchCount = step.value.batchCount;
      sourceProgress.commit = step.value.commit;
      sourceProgress.documentsCursor = step.value.documentsCursor;
      next.counts.discovered += step.value.discovered;
      next.counts.unchanged += step.value.unchanged;
      next.counts.skipped += step.value.skipped;
      break;
    case "batchCompleted":
      sourceProgress.batchesCompleted += 1;
      next.counts.indexed += step.value.indexed;
      next.counts.deleted += step.value.deleted;
      next.counts.skipped += step.value.skipped;
      next.counts.failed += step.value.failed;
      for (const [kind, count] of Object.entries(step.value.indexedByKind)) {
        next.counts.indexedByKind = { ...next.counts.indexedByKind, [kind]: (next.counts.indexedByKind?.[kind] ?? 0) + count };
      }
      sourceProgress.failedItems = (sourceProgress.failedItems ?? 0) + step.value.failed;
      for (const error of step.value.errors) {
        if (next.errors.length < maxStoredErrors) next.errors.push({ sourceId: error.sourceId, path: error.path, message: shortened(error.message) });
      }
      break;
    case "sourceFailed":
      sourceProgress.failed = true;
      next.errors.push({ sourceId: progress.sourceId, path: "", message: shortened(step.value.message) });
      break;
    default:
      return run;
  }
  const sources = Object.values(next.sources);
  const settled = sources.every((s) => s.failed || (s.discovered && s.batchesCompleted >= s.batchCount));
  if (settled) {
    // Some unreadable files do not fail a run; a source that could not be read, or a run in
    // which every file that needed work failed, does.
    const nothingWorked = next.counts.failed > 0 && next.counts.indexed === 0 && next.counts.deleted === 0;
    next.status = sources.some((s) => s.failed) || nothingWorked ? "failed" : "succeeded";
    next.endTime = now;
  }
  return next;
}
