import type { ServiceImplementation } from "@qamesh/grpc";
import type { IngestionService } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import type { IngestionRunUseCases } from "../app/ingestion-run-use-cases.js";
import type { ProjectUseCases } from "../app/project-use-cases.js";
import { sourceSpecRecord } from "../app/source-spec-message.js";
import type { SourceUseCases } from "../app/source-use-cases.js";
import { projectMessage, runMessage, runModeRecord, sourceMessage } from "./ingestion-messages.js";

export function ingestionHandlers(useCases: {
  projects: ProjectUseCases;
  sources: SourceUseCases;
  runs: IngestionRunUseCases;
}): ServiceImplementation<typeof IngestionService> {
  const { projects, sources, runs } = useCases;
  return {
    createProject: async (request) => projectMessage(await projects.create(request)),
    listProjects: async (request) => {
      const page = await projects.list(pageRequest(request.page));
      return { projects: page.items.map(projectMessage), nextPageToken: page.nextToken };
    },
    getProject: async (request) => projectMessage(await projects.get(request.projectId)),
    updateProject: async (request) =>
      projectMessage(await projects.update(request.projectId, { name: request.name, description: request.description })),
    deleteProject: async (request) => {
      await projects.delete(request.projectId);
      return {};
    },
    createSource: async (request) =>
      sourceMessage(
        await sources.create(request.projectId, {
          name: request.name,
          spec: sourceSpecRecord(request.spec),
          credentials: request.gitCredentials && { username: request.gitCredentials.username, secret: request.gitCredentials.secret },
        }),
      ),
    listSources: async (request) => {
      const page = await sources.list(request.projectId, pageRequest(request.page));
      return { sources: page.items.map(sourceMessage), nextPageToken: page.nextToken };
    },
    deleteSource: async (request) => {
      await sources.delete(request.projectId, request.sourceId);
      return {};
    },
    startIngestion: async (request, context) =>
      runMessage(await runs.start({ projectId: request.projectId, sourceId: request.sourceId, mode: runModeRecord(request.mode) }, context.requestId)),
    listIngestionRuns: async (request) => {
      const page = await runs.list(request.projectId, pageRequest(request.page));
      return { runs: page.items.map(runMessage), nextPageToken: page.nextToken };
    },
    getIngestionRun: async (request) => runMessage(await runs.get(request.projectId, request.runId)),
  };
}

const pageRequest = (page: { pageSize: number; pageToken: string } | undefined) => ({ size: page?.pageSize ?? 0, token: page?.pageToken ?? "" });
