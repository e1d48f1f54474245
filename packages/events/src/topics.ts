import type { DescMessage } from "@bufbuild/protobuf";
import { AuditEntrySchema } from "@qamesh/proto/qamesh/events/v1/audit_events_pb.js";
import { EmbeddingChangedSchema } from "@qamesh/proto/qamesh/events/v1/model_events_pb.js";
import {
  DocumentIndexedSchema,
  IngestionBatchSchema,
  IngestionCompletedSchema,
  IngestionProgressSchema,
  IngestionRequestedSchema,
  SourcesRemovedSchema,
} from "@qamesh/proto/qamesh/events/v1/ingestion_events_pb.js";

/** Every topic of the mesh with the protobuf message its events carry. */
export const topics = {
  ingestionRequested: { name: "ingestion.requested", schema: IngestionRequestedSchema },
  ingestionBatch: { name: "ingestion.batch", schema: IngestionBatchSchema },
  ingestionProgress: { name: "ingestion.progress", schema: IngestionProgressSchema },
  ingestionCompleted: { name: "ingestion.completed", schema: IngestionCompletedSchema },
  documentIndexed: { name: "document.indexed", schema: DocumentIndexedSchema },
  sourcesRemoved: { name: "sources.removed", schema: SourcesRemovedSchema },
  auditEntries: { name: "audit.entries", schema: AuditEntrySchema },
  embeddingChanged: { name: "embedding.changed", schema: EmbeddingChangedSchema },
} as const satisfies Record<string, { name: string; schema: DescMessage }>;

export type Topic = (typeof topics)[keyof typeof topics];
