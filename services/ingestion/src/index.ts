import type { GrpcServer } from "@qamesh/grpc";
import type { MeshService } from "@qamesh/service-runtime";
import type { Logger } from "@qamesh/logger";
import { ExpiredMarkerPruner, OutboxRelay } from "@qamesh/outbox";
import type { DocumentStore, EventBus, Subscription } from "@qamesh/ports";
import type { SecretBox } from "@qamesh/secrets";
import type { AllowedRoots, OutboundPolicy } from "@qamesh/source-safety";
import { IngestionService } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import { ingestionRunUseCases } from "./app/ingestion-run-use-cases.js";
import { projectUseCases } from "./app/project-use-cases.js";
import { sourceUseCases } from "./app/source-use-cases.js";
import { SyncSchedule } from "./app/sync-schedule.js";
import { webhookUseCases } from "./app/webhook-use-cases.js";
import { subscribeProgressConsumer } from "./consumers/progress-consumer.js";
import { subscribeToEmbeddingChanges } from "./consumers/embedding-changes.js";
import { ingestionHandlers } from "./grpc/ingestion-handlers.js";

export { ingestionConfigSchema } from "./config.js";
export { ingestionRecipe } from "./recipe.js";

export interface IngestionDeps {
  store: DocumentStore;
  bus: EventBus;
  logger: Logger;
  /** Local folders and file:// repositories must lie under one of these. */
  allowedRoots: AllowedRoots;
  /** Seals the credentials of sources. */
  secrets: SecretBox;
  /** Which addresses git sources may point at. */
  outboundPolicy: OutboundPolicy;
  /** How often sources with a polling schedule are looked at. */
  syncSweepMs?: number;
  clock?: () => Date;
}

/** The ingestion service as a value: projects, sources, runs, and the progress consumer. */
export function createIngestion(deps: IngestionDeps): MeshService {
  const clock = deps.clock ?? (() => new Date());
  const relay = new OutboxRelay({ store: deps.store, bus: deps.bus, logger: deps.logger });
  const onEventsCommitted = () => relay.kick();
  const pruner = new ExpiredMarkerPruner({ store: deps.store, logger: deps.logger, clock });
  const projects = projectUseCases({ store: deps.store, clock, onEventsCommitted });
  const sources = sourceUseCases({ store: deps.store, projects, allowedRoots: deps.allowedRoots, secrets: deps.secrets, outboundPolicy: deps.outboundPolicy, clock, onEventsCommitted });
  const runs = ingestionRunUseCases({ store: deps.store, projects, sources, clock, onEventsCommitted });
  const schedule = new SyncSchedule({ store: deps.store, runs, logger: deps.logger, clock, onEventsCommitted, sweepMs: deps.syncSweepMs ?? 30_000 });
  const webhooks = webhookUseCases({ store: deps.store, sources, runs, logger: deps.logger, clock, onEventsCommitted });
  let progress: Subscription | undefined;
  let embeddingChanges: Subscription | undefined;

  return {
    register(server: GrpcServer) {
      server.add(IngestionService, ingestionHandlers({ projects, sources, runs, webhooks }));
      server.health.addDependencyCheck(() => deps.store.ping());
      server.health.addDependencyCheck(() => deps.bus.ping());
    },
    async start() {
      relay.start();
      pruner.start();
      schedule.start();
      progress = await subscribeProgressConsumer({ bus: deps.bus, store: deps.store, logger: deps.logger, clock, onEventsCommitted, runs });
      embeddingChanges = await subscribeToEmbeddingChanges(deps.bus, runs);
    },
    async stop() {
      await progress?.stop();
      await embeddingChanges?.stop();
      await schedule.stop();
      await relay.stop();
      await pruner.stop();
    },
  };
}
