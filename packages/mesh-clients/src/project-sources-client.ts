import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { sourceTypeNamed } from "@qamesh/connectors";
import { createGrpcClient } from "@qamesh/grpc";
import type { CallSignal, ProjectSources } from "@qamesh/ports";
import { IngestionMode, IngestionRunStatus, IngestionService } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";

const iso = (timestamp: Timestamp | undefined) => (timestamp ? timestampDate(timestamp).toISOString() : null);
const statusNames: Record<IngestionRunStatus, string> = {
  [IngestionRunStatus.UNSPECIFIED]: "unknown",
  [IngestionRunStatus.QUEUED]: "queued",
  [IngestionRunStatus.RUNNING]: "running",
  [IngestionRunStatus.SUCCEEDED]: "succeeded",
  [IngestionRunStatus.FAILED]: "failed",
};
/** The most sources one overview lists (a listing page). */
const maxSources = 200;

/** Where a source reads from, as its type says it; "" for settings it does not take. */
function locationOf(type: string, configJson: string): string {
  try {
    return sourceTypeNamed(type).location(JSON.parse(configJson) as Record<string, unknown>);
  } catch {
    return "";
  }
}

/** ProjectSources served by the ingestion service at `address`. */
export function projectSourcesClient(address: string): ProjectSources & { close(): void } {
  const client = createGrpcClient(IngestionService, address, { peer: "ingestion" });
  const signalOf = (options?: CallSignal) => (options?.signal ? { signal: options.signal } : {});
  return {
    async sources(projectId, options) {
      const { sources } = await client.listSources({ projectId, page: { pageSize: maxSources } }, signalOf(options));
      return sources.map((source) => {
        const type = source.spec?.type ?? "unknown";
        return { id: source.id, name: source.name, type, location: locationOf(type, source.spec?.configJson ?? "{}") };
      });
    },
    async recentRuns(projectId, limit, options) {
      const { runs } = await client.listIngestionRuns({ projectId, page: { pageSize: limit } }, signalOf(options));
      return runs.map((run) => ({
        id: run.id,
        status: statusNames[run.status],
        mode: run.mode === IngestionMode.FULL ? "full" : "incremental",
        startedAt: iso(run.startTime),
        finishedAt: iso(run.endTime),
        indexed: run.counts?.indexed ?? 0,
        failed: run.counts?.failed ?? 0,
      }));
    },
    close: () => client.close(),
  };
}
