import { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import type { GrpcServer } from "@qamesh/grpc";
import type { Logger } from "@qamesh/logger";
import { decodeEvent, subscribeToProjectDeletions, topics } from "@qamesh/events";
import { OutboxRelay } from "@qamesh/outbox";
import { IngestionRunStatus } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import type { DocumentStore, EventBus, Subscription } from "@qamesh/ports";
import type { SecretBox } from "@qamesh/secrets";
import type { MeshService } from "@qamesh/service-runtime";
import type { OutboundPolicy } from "@qamesh/source-safety";
import { modelsFromSettings } from "./app/models-from-settings.js";
import { ProjectModels } from "./app/profiles/project-models.js";
import { profileUseCases } from "./app/profiles/profile-use-cases.js";
import type { ModelSettings } from "./config.js";
import { llmProfilesHandlers } from "./grpc/llm-profiles-handlers.js";

export { modelSettingsShape, refineModelSettings, llmProfilesConfigSchema, type ModelSettings } from "./config.js";
export { llmProfilesRecipe } from "./recipe.js";

export interface LlmProfilesDeps {
  /** The deployment's default models (LLM_*, EMBEDDING_*), for projects that chose none. */
  settings: ModelSettings;
  /** The projects' profiles and model settings. */
  store: DocumentStore;
  /** Where a project's deletion is announced. */
  bus: EventBus;
  /** Seals and opens the profiles' API keys. */
  secrets: SecretBox;
  /** Which networks a profile's provider may be on besides the public internet (deployment configuration only). */
  outboundPolicy: OutboundPolicy;
  logger: Logger;
}

/**
 * The llm-profiles service as a value: the projects' profiles, and the models they (or the
 * deployment's defaults) make, over gRPC. Starting it re-seals keys sealed with an older
 * encryption key; a deleted project's profiles (and their keys) are deleted with it.
 */
export function createLlmProfiles(deps: LlmProfilesDeps): MeshService {
  const profiles = profileUseCases({ ...deps, onEventsCommitted: () => relay.kick() });
  let deletions: Subscription | undefined;
  let endedRuns: Subscription | undefined;
  const relay = new OutboxRelay({ store: deps.store, bus: deps.bus, logger: deps.logger });
  const models = new ProjectModels({ store: deps.store, secrets: deps.secrets, defaults: modelsFromSettings(deps.settings), outboundPolicy: deps.outboundPolicy });
  return {
    register(server: GrpcServer) {
      server.add(LlmProfilesService, llmProfilesHandlers(models, profiles));
      server.health.addDependencyCheck(() => deps.store.ping());
    },
    async start() {
      const { resealed, unreadable } = await profiles.resealKeys();
      if (resealed > 0) deps.logger.info({ resealed }, "re-sealed profile keys with the current encryption key");
      if (unreadable.length > 0) deps.logger.warn({ profiles: unreadable }, "profile keys that do not open with this deployment's keys were left as they are");
      relay.start();
      deletions = await subscribeToProjectDeletions(deps.bus, "llm-profiles", (projectId) => profiles.forgetProject(projectId));
      endedRuns = await deps.bus.subscribe({
        group: "llm-profiles",
        topic: topics.ingestionCompleted.name,
        handler: async (event) => {
          const ended = decodeEvent(topics.ingestionCompleted, event.payload);
          await profiles.runEnded(ended.projectId, ended.runId, ended.status === IngestionRunStatus.SUCCEEDED);
        },
      });
    },
    async stop() {
      await deletions?.stop();
      await endedRuns?.stop();
      await relay.stop();
    },
  };
}
