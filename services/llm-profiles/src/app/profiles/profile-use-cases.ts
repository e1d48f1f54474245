import { randomUUID } from "node:crypto";
import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { failedPrecondition, invalidArgument, notFound, parseInput, parseJsonField } from "@qamesh/errors";
import { modelSettings, profileDefinition, type ModelSettingsChoice } from "@qamesh/model-profiles";
import { encodeEvent, topics } from "@qamesh/events";
import { addToOutbox, newEventId } from "@qamesh/outbox";
import type { DocumentStore } from "@qamesh/ports";
import type { SecretBox } from "@qamesh/secrets";
import { apiKeyOwner, modelSettingsCollection, modelSettingsId, profilesCollection, type ModelSettingsRecord, type ProfileRecord } from "./profile-records.js";

/** A profile as it leaves llm-profiles: whether it has a key, never the key. */
export const publicProfile = (record: ProfileRecord) => ({ ...record.definition, hasApiKey: record.sealedApiKey !== "" });

/** The run ingestion starts for an embedding change is named after its announcement (see ingestion's reindexForNewEmbedding). */
const reindexRunOf = (announcementId: string) => `embedding-${announcementId}`;

const noSettings = (projectId: string): ModelSettingsRecord => ({ id: modelSettingsId, projectId, answering: null, fallbacks: [], embedding: null, reindexRequiredSince: null });

/** Project admins define their project's models and choose which answer and embed. */
export function profileUseCases(deps: { store: DocumentStore; secrets: SecretBox; onEventsCommitted: () => void }) {
  const profiles = deps.store.collection<ProfileRecord>(profilesCollection);
  const settings = deps.store.collection<ModelSettingsRecord>(modelSettingsCollection);

  /** The definition checked, its key sealed (or the stored one kept, or dropped when asked). */
  function prepared(projectId: string, profileId: string, definitionJson: string, previous?: ProfileRecord): Pick<ProfileRecord, "definition" | "sealedApiKey"> {
    const { apiKey, removeApiKey, ...definition } = parseInput(profileDefinition, parseJsonField("body", definitionJson || "{}"));
    if (previous && previous.definition.purpose !== definition.purpose) throw invalidArgument("purpose", `a profile's purpose stays what it was created with (${previous.definition.purpose})`);
    // A stored key goes only where it was given for: a profile that now points elsewhere needs it given again.
    const movedElsewhere = previous !== undefined && (previous.definition.provider !== definition.provider || previous.definition.baseUrl !== definition.baseUrl);
    if (movedElsewhere && previous.sealedApiKey && apiKey === undefined && !removeApiKey) {
      throw invalidArgument("apiKey", "apiKey must be given again (or removeApiKey): the profile's provider or baseUrl changed, and a stored key is only sent where it was given for");
    }
    const sealedApiKey = apiKey !== undefined ? deps.secrets.seal(apiKey, apiKeyOwner(projectId, profileId)) : removeApiKey ? "" : (previous?.sealedApiKey ?? "");
    return { definition, sealedApiKey };
  }

  const settingsOf = async (projectId: string) => (await settings.get(projectId, modelSettingsId)) ?? noSettings(projectId);

  return {
    async create(principal: CallPrincipal, projectId: string, definitionJson: string): Promise<ProfileRecord> {
      authorizeProject(principal, projectId, "models.manage");
      const id = `lp-${randomUUID().slice(0, 12)}`;
      const now = new Date().toISOString();
      const record: ProfileRecord = { id, projectId, ...prepared(projectId, id, definitionJson), createdAt: now, updatedAt: now };
      await profiles.insert(record);
      return record;
    },

    async list(principal: CallPrincipal, projectId: string): Promise<ProfileRecord[]> {
      authorizeProject(principal, projectId, "models.manage");
      return profiles.find({ projectId }, { sort: { field: "createdAt", direction: "asc" } });
    },

    async get(principal: CallPrincipal, projectId: string, profileId: string): Promise<ProfileRecord> {
      authorizeProject(principal, projectId, "models.manage");
      const record = await profiles.get(projectId, profileId);
      if (!record) throw notFound(`no profile ${profileId} in this project`);
      return record;
    },

    async update(principal: CallPrincipal, projectId: string, profileId: string, definitionJson: string): Promise<ProfileRecord> {
      const previous = await this.get(principal, projectId, profileId);
      const record: ProfileRecord = { ...previous, ...prepared(projectId, profileId, definitionJson, previous), updatedAt: new Date().toISOString() };
      await profiles.put(record);
      return record;
    },

    /** A profile the project uses cannot go: the settings must leave it first. */
    async delete(principal: CallPrincipal, projectId: string, profileId: string): Promise<void> {
      await this.get(principal, projectId, profileId);
      const current = await settingsOf(projectId);
      if ([current.answering, ...current.fallbacks, current.embedding].includes(profileId)) {
        throw failedPrecondition(`profile ${profileId} is in the project's model settings; choose another there first`);
      }
      await profiles.delete({ projectId, id: profileId });
    },

    async settings(principal: CallPrincipal, projectId: string): Promise<ModelSettingsRecord> {
      authorizeProject(principal, projectId, "models.manage");
      return settingsOf(projectId);
    },

    /**
     * Chooses the project's models; each named profile must exist and be for its purpose. A new
     * embedding model makes the project's index unusable until it is built again: the change is
     * announced (`embedding.changed`, in the same transaction), ingestion indexes every source
     * again into an emptied index, and the settings say so (`reindexRequiredSince`) until that run
     * succeeds.
     */
    async updateSettings(principal: CallPrincipal, projectId: string, settingsJson: string): Promise<ModelSettingsRecord> {
      authorizeProject(principal, projectId, "models.manage");
      const chosen: ModelSettingsChoice = parseInput(modelSettings, parseJsonField("body", settingsJson || "{}"));
      const check = async (profileId: string | null, purpose: "answering" | "embedding", field: string) => {
        if (profileId === null) return;
        const record = await profiles.get(projectId, profileId);
        if (!record) throw invalidArgument(field, `no profile ${profileId} in this project`);
        if (record.definition.purpose !== purpose) throw invalidArgument(field, `profile ${profileId} is an ${record.definition.purpose} profile, not an ${purpose} one`);
      };
      await check(chosen.answering, "answering", "answering");
      for (const [index, profileId] of chosen.fallbacks.entries()) await check(profileId, "answering", `fallbacks.${index}`);
      await check(chosen.embedding, "embedding", "embedding");
      const previous = await settingsOf(projectId);
      if (previous.embedding === chosen.embedding) {
        const record: ModelSettingsRecord = { ...previous, ...chosen };
        await settings.put(record);
        return record;
      }
      const changedAt = new Date().toISOString();
      const announcement = encodeEvent(topics.embeddingChanged, { projectId, changedAt }, { id: newEventId(), key: projectId });
      const record: ModelSettingsRecord = { ...previous, ...chosen, reindexRequiredSince: changedAt, reindexRunId: reindexRunOf(announcement.id) };
      await deps.store.transaction(async (tx) => {
        await tx.collection<ModelSettingsRecord>(modelSettingsCollection).put(record);
        await addToOutbox(tx, projectId, announcement);
      });
      deps.onEventsCommitted();
      return record;
    },

    /** A run ended: the re-index a new embedding model asked for is done once its run succeeded. */
    async runEnded(projectId: string, runId: string, succeeded: boolean): Promise<void> {
      const current = await settings.get(projectId, modelSettingsId);
      if (!current?.reindexRunId || current.reindexRunId !== runId || !succeeded) return;
      await settings.put({ ...current, reindexRequiredSince: null, reindexRunId: null });
    },

    /** A deleted project's profiles, keys and settings go (idempotent: a redelivered deletion changes nothing). */
    async forgetProject(projectId: string): Promise<void> {
      await profiles.delete({ projectId });
      await settings.delete({ projectId });
    },

    /**
     * Rolling a key in: every stored API key sealed with an older key is sealed again with the
     * current one (run at start; the old key can be dropped from the configuration after). A key
     * that does not open (altered, or copied from another record) is left as it is, and counted:
     * it fails where it is used, and stops nothing else.
     */
    async resealKeys(): Promise<{ resealed: number; unreadable: string[] }> {
      const outcome = { resealed: 0, unreadable: [] as string[] };
      for (const record of await profiles.findAcrossProjects({})) {
        if (!record.sealedApiKey || !deps.secrets.sealedWithOlderKey(record.sealedApiKey)) continue;
        let sealedApiKey: string;
        try {
          sealedApiKey = deps.secrets.reseal(record.sealedApiKey, apiKeyOwner(record.projectId, record.id));
        } catch {
          outcome.unreadable.push(record.id);
          continue;
        }
        await profiles.put({ ...record, sealedApiKey });
        outcome.resealed++;
      }
      return outcome;
    },
  };
}

export type ProfileUseCases = ReturnType<typeof profileUseCases>;
