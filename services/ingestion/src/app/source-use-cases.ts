import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { sourceTypeNamed } from "@qamesh/connectors";
import { alreadyExists, isAppError, notFound } from "@qamesh/errors";
import { encodeEvent, topics } from "@qamesh/events";
import { addToOutbox, newEventId } from "@qamesh/outbox";
import { checkText, textLimits } from "@qamesh/limits";
import type { DocumentStore } from "@qamesh/ports";
import type { SecretBox } from "@qamesh/secrets";
import type { SourceSpec } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
import { sourceCredentialsOwner, type AllowedRoots, type OutboundPolicy } from "@qamesh/source-safety";
import { randomBytes } from "node:crypto";
import type { ProjectUseCases } from "./project-use-cases.js";
import { collections, type SourceRecord } from "./records.js";
import { findPage, type Page, type PageRequest } from "@qamesh/pagination";
import { sourceKey, sourceKeysCollection, type SourceKeyRecord } from "./source-keys.js";
import { sourceSpecMessage } from "./source-spec-message.js";

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
     * Adds a source of one of the registry's types; its secrets are sealed for it and never
     * returned. Two sources of a project cannot read the same thing (the same folder, the same
     * repository and branch...): 409 naming the existing one.
     */
    async create(principal: CallPrincipal, projectId: string, input: { name: string; type: string; config: unknown; secrets: unknown }): Promise<SourceRecord> {
      authorizeProject(principal, projectId, "sources.write");
      await projects.existing(projectId);
      const sourceType = sourceTypeNamed(input.type);
      const { config, secrets: given } = await sourceType.check(input.config, input.secrets, { allowedRoots, outboundPolicy });
      const id = `s-${randomBytes(5).toString("hex")}`;
      const hasSecrets = Object.values(given).some((value) => value !== undefined);
      const source: SourceRecord = {
        id,
        projectId,
        name: checkText("name", input.name.trim(), textLimits.name) || sourceType.location(config).slice(0, textLimits.name),
        spec: { ...config, type: sourceType.type },
        ...(hasSecrets ? { sealedSecrets: secrets.seal(JSON.stringify(given), sourceCredentialsOwner(projectId, id)) } : {}),
        createTime: clock().toISOString(),
      };
      const key: SourceKeyRecord = { id: sourceKey(sourceType.identity(config)), projectId, sourceId: id };
      try {
        await store.transaction(async (tx) => {
          await tx.collection<SourceKeyRecord>(sourceKeysCollection).insert(key);
          await tx.collection<SourceRecord>(collections.sources).insert(source);
        });
      } catch (error) {
        if (!isAppError(error) || error.code !== "already_exists") throw error;
        const existing = await store.collection<SourceKeyRecord>(sourceKeysCollection).get(projectId, key.id);
        throw alreadyExists(`${sourceType.location(config)} is already read by source ${existing?.sourceId ?? "(being added)"} of project ${projectId}`);
      }
      return source;
    },

    /**
     * The spec the workers get: settings and sealed secrets. (A source stored before secrets
     * were kept per type has git credentials sealed as `sealedCredentials`; they are brought
     * into the git type's shape.)
     */
    specForWorkers(source: SourceRecord): SourceSpec {
      if (source.sealedSecrets || !source.sealedCredentials) return sourceSpecMessage(source.spec, source.sealedSecrets);
      const owner = sourceCredentialsOwner(source.projectId, source.id);
      const legacy = JSON.parse(secrets.open(source.sealedCredentials, owner)) as { username: string; secret: string };
      return sourceSpecMessage(source.spec, secrets.seal(JSON.stringify({ credentials: { username: legacy.username, password: legacy.secret } }), owner));
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
