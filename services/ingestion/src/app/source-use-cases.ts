import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { alreadyExists, invalidArgument, isAppError, notFound } from "@qamesh/errors";
import { encodeEvent, topics } from "@qamesh/events";
import { addToOutbox, newEventId } from "@qamesh/outbox";
import { checkText, textLimits } from "@qamesh/limits";
import type { DocumentStore } from "@qamesh/ports";
import type { SecretBox } from "@qamesh/secrets";
import { sourceCredentialsOwner, type AllowedRoots, type GitCredentials, type OutboundPolicy } from "@qamesh/source-safety";
import { randomBytes } from "node:crypto";
import type { ProjectUseCases } from "./project-use-cases.js";
import { collections, type SourceRecord, type SourceSpecRecord } from "./records.js";
import { findPage, type Page, type PageRequest } from "@qamesh/pagination";
import { sourceKey, sourceKeysCollection, type SourceKeyRecord } from "./source-keys.js";
import { validateSourceSpec } from "./source-spec-validation.js";

export interface SourceUseCasesDeps {
  store: DocumentStore;
  projects: ProjectUseCases;
  allowedRoots: AllowedRoots;
  /** Seals source credentials for storage. */
  secrets: SecretBox;
  outboundPolicy: OutboundPolicy;
  clock: () => Date;
  onEventsCommitted: () => void;
}

export function sourceUseCases({ store, projects, allowedRoots, secrets, outboundPolicy, clock, onEventsCommitted }: SourceUseCasesDeps) {
  const sources = store.collection<SourceRecord>(collections.sources);

  return {
    /**
     * Adds a source; credentials are sealed for it and never returned. The same folder, or the
     * same repository and branch, cannot be added to a project twice (409 naming the existing one).
     */
    async create(
      principal: CallPrincipal,
      projectId: string,
      input: { name: string; spec: SourceSpecRecord | undefined; credentials?: GitCredentials | undefined },
    ): Promise<SourceRecord> {
      authorizeProject(principal, projectId, "sources.write");
      await projects.existing(projectId);
      if (!input.spec) throw invalidArgument("spec", "a source needs a type: local (with path) or git (with url)");
      const { spec, credentials } = await validateSourceSpec(input.spec, input.credentials, { allowedRoots, outboundPolicy });
      const id = `s-${randomBytes(5).toString("hex")}`;
      const source: SourceRecord = {
        id,
        projectId,
        name: checkText("name", input.name.trim(), textLimits.name) || (spec.type === "local" ? spec.path : spec.url).slice(0, textLimits.name),
        spec,
        ...(credentials ? { sealedCredentials: secrets.seal(JSON.stringify(credentials), sourceCredentialsOwner(projectId, id)) } : {}),
        createTime: clock().toISOString(),
      };
      const key: SourceKeyRecord = { id: sourceKey(spec), projectId, sourceId: id };
      try {
        await store.transaction(async (tx) => {
          await tx.collection<SourceKeyRecord>(sourceKeysCollection).insert(key);
          await tx.collection<SourceRecord>(collections.sources).insert(source);
        });
      } catch (error) {
        if (!isAppError(error) || error.code !== "already_exists") throw error;
        const existing = await store.collection<SourceKeyRecord>(sourceKeysCollection).get(projectId, key.id);
        const what = spec.type === "local" ? "this folder" : "this repository and branch";
        throw alreadyExists(`${what} is already source ${existing?.sourceId ?? "(being added)"} of project ${projectId}`);
      }
      return source;
    },

    /** A page of the project's sources, oldest first. */
    async list(principal: CallPrincipal, projectId: string, page: PageRequest): Promise<Page<SourceRecord>> {
      authorizeProject(principal, projectId, "sources.read");
      await projects.existing(projectId);
      return findPage(sources, { projectId }, { field: "createTime", direction: "asc" }, page);
    },

    /** Every source of the project, for a run over all of them (its use case has authorized). */
    async all(projectId: string): Promise<SourceRecord[]> {
      await projects.existing(projectId);
      return sources.find({ projectId }, { sort: { field: "createTime", direction: "asc" } });
    },

    /** One source, for a use case that has authorized its principal already. */
    async existing(projectId: string, sourceId: string): Promise<SourceRecord> {
      const source = await sources.get(projectId, sourceId);
      if (!source) throw notFound(`source ${sourceId} not found in project ${projectId}`);
      return source;
    },

    /** Removes the source; workers drop its chunks when the event arrives. */
    async delete(principal: CallPrincipal, projectId: string, sourceId: string): Promise<void> {
      authorizeProject(principal, projectId, "sources.write");
      await this.existing(projectId, sourceId);
      await store.transaction(async (tx) => {
        await tx.collection<SourceRecord>(collections.sources).delete({ projectId, id: sourceId });
        await tx.collection<SourceKeyRecord>(sourceKeysCollection).delete({ projectId, sourceId });
        await addToOutbox(tx, projectId, encodeEvent(topics.sourcesRemoved, { projectId, sourceIds: [sourceId] }, { id: newEventId(), key: projectId }));
      });
      onEventsCommitted();
    },
  };
}

export type SourceUseCases = ReturnType<typeof sourceUseCases>;
