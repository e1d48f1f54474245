import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { sourceTypeNamed } from "@qamesh/connectors";
import { alreadyExists, invalidArgument, isAppError, notFound } from "@qamesh/errors";
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

  /** The sealed webhook secret of a source, checked; none for "". Only types that read webhooks take one. */
  const webhookSecretFields = (projectId: string, sourceId: string, type: string, secret: string): Partial<SourceRecord> => {
    if (secret === "") return {};
    if (!sourceTypeNamed(type).receiveWebhook) throw invalidArgument("webhookSecret", `${type} sources take no webhooks`);
    if (secret.length < webhookSecretLength.min || secret.length > webhookSecretLength.max) {
      throw invalidArgument("webhookSecret", `webhookSecret must be ${webhookSecretLength.min} to ${webhookSecretLength.max} characters`);
    }
    return { sealedWebhookSecret: secrets.seal(secret, webhookSecretOwner(projectId, sourceId)) };
  };

  return {
    /**
     * Adds a source of one of the registry's types; its secrets are sealed for it and never
     * returned. Two sources of a project cannot read the same thing (the same folder, the same
     * repository and branch...): 409 naming the existing one.
     */
    async create(principal: CallPrincipal, projectId: string, input: NewSource): Promise<SourceRecord> {
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
        ...webhookSecretFields(projectId, id, sourceType.type, input.webhookSecret),
        ...scheduleFields(input.syncEverySeconds),
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

    async get(principal: CallPrincipal, projectId: string, sourceId: string): Promise<SourceRecord> {
      authorizeProject(principal, projectId, "sources.read");
      await projects.existing(projectId);
      return this.existing(projectId, sourceId);
    },

    /** Renames a source, sets, rotates or removes its webhook secret, or changes its schedule. */
    async update(principal: CallPrincipal, projectId: string, sourceId: string, change: SourceChange): Promise<SourceRecord> {
      authorizeProject(principal, projectId, "sources.write");
      await projects.existing(projectId);
      const source = await this.existing(projectId, sourceId);
      let next: SourceRecord = { ...source };
      if (change.name !== undefined) {
        const name = checkText("name", change.name.trim(), textLimits.name);
        if (!name) throw invalidArgument("name", "name must not be empty");
        next.name = name;
      }
      if (change.webhookSecret !== undefined) {
        const { sealedWebhookSecret: _previous, ...rest } = next;
        next = { ...rest, ...webhookSecretFields(projectId, sourceId, String(source.spec.type), change.webhookSecret) };
      }
      if (change.syncEverySeconds !== undefined) {
        const { syncEverySeconds: _every, syncScheduled: _scheduled, ...rest } = next;
        next = { ...rest, ...scheduleFields(change.syncEverySeconds) };
      }
      await sources.put(next);
      return next;
    },

    /** The webhook secret of a source that takes deliveries, for the use case that checks them. */
    webhookSecret(source: SourceRecord): string | undefined {
      return source.sealedWebhookSecret && secrets.open(source.sealedWebhookSecret, webhookSecretOwner(source.projectId, source.id));
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

export interface NewSource {
  name: string;
  type: string;
  config: unknown;
  secrets: unknown;
  /** "": the source takes no webhooks. */
  webhookSecret: string;
  /** 0: no schedule. */
  syncEverySeconds: number;
}

export interface SourceChange {
  name?: string | undefined;
  /** "": remove it. */
  webhookSecret?: string | undefined;
  /** 0: remove the schedule. */
  syncEverySeconds?: number | undefined;
}

/** What a source's sealed webhook secret is bound to: a copy on another record does not open. */
const webhookSecretOwner = (projectId: string, sourceId: string) => `source-webhook-secret:${projectId}:${sourceId}`;

/** Long enough not to be guessed; GitHub and GitLab take secrets of any length up to this. */
export const webhookSecretLength = { min: 16, max: 256 } as const;
/** From a minute (a schedule is a safety net; webhooks are the quick path) to 30 days. */
export const syncEveryBounds = { min: 60, max: 30 * 86_400 } as const;

function scheduleFields(seconds: number): Partial<SourceRecord> {
  if (seconds === 0) return {};
  if (!Number.isInteger(seconds) || seconds < syncEveryBounds.min || seconds > syncEveryBounds.max) {
    throw invalidArgument("syncEvery", `syncEvery must be from ${syncEveryBounds.min} seconds to ${syncEveryBounds.max / 86_400} days`);
  }
  return { syncEverySeconds: seconds, syncScheduled: true };
}

