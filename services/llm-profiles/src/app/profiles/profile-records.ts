import type { ProfileDefinition } from "@qamesh/model-profiles";
import type { DocumentIndex, StoredDocument } from "@qamesh/ports";

/**
 * A model a project admin defined, as llm-profiles keeps it: the definition without its key,
 * and the key sealed for this project, profile and field (a sealed key copied to another record
 * does not open).
 */
export interface ProfileRecord extends StoredDocument {
  definition: Omit<ProfileDefinition, "apiKey" | "removeApiKey">;
  /** "" when the profile has no key. */
  sealedApiKey: string;
  createdAt: string;
  updatedAt: string;
}

/** Which profiles the project uses (null: the deployment's default), and when its embedding changed. */
export interface ModelSettingsRecord extends StoredDocument {
  answering: string | null;
  fallbacks: string[];
  embedding: string | null;
  /** Set when the embedding profile changed: the project's index was made with another model and wants a full re-index. */
  reindexRequiredSince: string | null;
  /** The run ingestion starts for that re-index (named after the announcement); cleared with the flag when it succeeds. */
  reindexRunId?: string | null;
}

export const profilesCollection = "llm_profiles";
export const modelSettingsCollection = "model_settings";
/** The one settings record of a project. */
export const modelSettingsId = "settings";

export const llmProfilesIndexes: readonly DocumentIndex[] = [{ collection: profilesCollection, fields: ["projectId"] }];

/** What a sealed API key is bound to. */
export const apiKeyOwner = (projectId: string, profileId: string) => `llm-profile:${projectId}:${profileId}:apiKey`;
