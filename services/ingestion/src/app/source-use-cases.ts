import { invalidArgument, notFound } from "@qamesh/errors";
import { encodeEvent, topics } from "@qamesh/events";
import { addToOutbox, newEventId } from "@qamesh/outbox";
import type { DocumentStore } from "@qamesh/ports";
import type { AllowedRoots } from "@qamesh/source-safety";
import { randomBytes } from "node:crypto";
import type { ProjectUseCases } from "./project-use-cases.js";
import { collections, type SourceRecord, type SourceSpecRecord } from "./records.js";
import { validateSourceSpec } from "./source-spec-validation.js";

export interface SourceUseCasesDeps {
  store: DocumentStore;
  projects: ProjectUseCases;
  allowedRoots: AllowedRoots;
  clock: () => Date;
  onEventsCommitted: () => void;
}

export function sourceUseCases({ store, projects, allowedRoots, clock, onEventsCommitted }: SourceUseCasesDeps) {
  const sources = store.collection<SourceRecord>(collections.sources);

  return {
    async create(projectId: string, input: { name: string; spec: SourceSpecRecord | undefined }): Promise<SourceRecord> {
      await projects.get(projectId);
      if (!input.spec) throw invalidArgument("spec", "a source needs a type: local (with path) or git (with url)");
      const spec = await validateSourceSpec(input.spec, allowedRoots);
      const source: SourceRecord = {
        id: `s-${randomBytes(5).toString("hex")}`,
        projectId,
        name: input.name.trim() || (spec.type === "local" ? spec.path : spec.url),
        spec,
        createTime: clock().toISOString(),
      };
      await sources.insert(source);
      return source;
    },

    async list(projectId: string): Promise<SourceRecord[]> {
      await projects.get(projectId);
      return sources.find({ projectId }, { sort: { field: "createTime", direction: "asc" } });
    },

    async get(projectId: string, sourceId: string): Promise<SourceRecord> {
      const source = await sources.get(projectId, sourceId);
      if (!source) throw notFound(`source ${sourceId} not found in project ${projectId}`);
      return source;
    },

    /** Removes the source; workers drop its chunks when the event arrives. */
    async delete(projectId: string, sourceId: string): Promise<void> {
      await this.get(projectId, sourceId);
      await store.transaction(async (tx) => {
        await tx.collection<SourceRecord>(collections.sources).delete({ projectId, id: sourceId });
        await addToOutbox(tx, projectId, encodeEvent(topics.sourcesRemoved, { projectId, sourceIds: [sourceId] }, { id: newEventId(), key: projectId }));
      });
      onEventsCommitted();
    },
  };
}

export type SourceUseCases = ReturnType<typeof sourceUseCases>;
