import type { ServiceImplementation } from "@qamesh/grpc";
import { parseJsonField } from "@qamesh/errors";
import { callPrincipal } from "@qamesh/mesh-auth";
import type { IngestionService } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import type { IngestionRunUseCases } from "../app/ingestion-run-use-cases.js";
import type { ProjectUseCases } from "../app/project-use-cases.js";
import { givenSourceSpec } from "../app/source-spec-message.js";
import type { SourceUseCases } from "../app/source-use-cases.js";
import type { WebhookUseCases } from "../app/webhook-use-cases.js";
import { projectMessage, runMessage, runModeRecord, sourceMessage } from "./ingestion-messages.js";

/** Every handler passes the principal its guard verified to the use case, which authorizes it. */
export function ingestionHandlers(useCases: {
  projects: ProjectUseCases;
  sources: SourceUseCases;
  runs: IngestionRunUseCases;
  webhooks: WebhookUseCases;
}): ServiceImplementation<typeof IngestionService> {
  const { projects, sources, runs, webhooks } = useCases;
  return {
    createProject: async (request, context) => projectMessage(await projects.create(callPrincipal(context.values), request)),
    listProjects: async (request, context) => {
      const page = await projects.list(callPrincipal(context.values), pageRequest(request.page));
      return { projects: page.items.map(projectMessage), nextPageToken: page.nextToken };
    },
    getProject: async (request, context) => projectMessage(await projects.get(callPrincipal(context.values), request.projectId)),
    updateProject: async (request, context) =>
      projectMessage(await projects.update(callPrincipal(context.values), request.projectId, { name: request.name, description: request.description })),
    deleteProject: async (request, context) => {
      await projects.delete(callPrincipal(context.values), request.projectId);
      return {};
    },
    createSource: async (request, context) =>
      sourceMessage(
        await sources.create(callPrincipal(context.values), request.projectId, {
          name: request.name,
          ...givenSourceSpec(request.spec),
          secrets: parseJsonField("secrets", request.secretsJson || "{}"),
          webhookSecret: request.webhookSecret,
          syncEverySeconds: request.syncEverySeconds,
        }),
      ),
    getSource: async (request, context) => sourceMessage(await sources.get(callPrincipal(context.values), request.projectId, request.sourceId)),
    updateSource: async (request, context) =>
      sourceMessage(
        await sources.update(callPrincipal(context.values), request.projectId, request.sourceId, {
          name: request.name,
          webhookSecret: request.webhookSecret,
          syncEverySeconds: request.syncEverySeconds,
        }),
      ),
    listSources: async (request, context) => {
      const page = await sources.list(callPrincipal(context.values), request.projectId, pageRequest(request.page));
      return { sources: page.items.map(sourceMessage), nextPageToken: page.nextToken };
    },
    deleteSource: async (request, context) => {
      await sources.delete(callPrincipal(context.values), request.projectId, request.sourceId);
      return {};
    },
    startIngestion: async (request, context) =>
      runMessage(await runs.start(callPrincipal(context.values), { projectId: request.projectId, sourceId: request.sourceId, mode: runModeRecord(request.mode) }, context.requestId)),
    listIngestionRuns: async (request, context) => {
      const page = await runs.list(callPrincipal(context.values), request.projectId, pageRequest(request.page));
      return { runs: page.items.map(runMessage), nextPageToken: page.nextToken };
    },
    getIngestionRun: async (request, context) => runMessage(await runs.get(callPrincipal(context.values), request.projectId, request.runId)),
    receiveWebhook: async (request, context) =>
      webhooks.receive(callPrincipal(context.values), request.sourceId, { headers: request.headers, body: Buffer.from(request.body) }, context.requestId),
  };
}

const pageRequest = (page: { pageSize: number; pageToken: string } | undefined) => ({ size: page?.pageSize ?? 0, token: page?.pageToken ?? "" });
