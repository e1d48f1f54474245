import { Router } from "express";
import { invalidArgument, isAppError } from "@qamesh/errors";
import type { AuditLog } from "../../audit/audit-log.js";
import type { Peers } from "../../peers.js";
import { authorizedProjectId } from "../auth/project-access.js";
import { nextCursor, pageFromQuery } from "../page-query.js";
import { parseInput } from "../parse-input.js";
import { sourceJson } from "../presenters.js";
import { requestBodies } from "../request-bodies.js";

export function sourceRoutes(peers: Peers, audit: AuditLog): Router {
  const router = Router();

  router.post("/v1/projects/:projectId/sources", async (request, response) => {
    const body = parseInput(requestBodies.CreateSource, request.body);
    const spec =
      body.type === "local"
        ? { kind: { case: "local" as const, value: { path: body.path } } }
        : { kind: { case: "git" as const, value: { url: body.url, branch: body.branch } } };
    const credentials = body.type === "git" && body.credentials ? { gitCredentials: { username: body.credentials.username, secret: body.credentials.password } } : {};
    const source = await peers.ingestion
      .createSource({ projectId: authorizedProjectId(request, "sources.write"), name: body.name, spec, ...credentials })
      .catch((error: unknown) => {
        // The service names fields inside its `spec` message; the HTTP body has them at the top level.
        if (isAppError(error) && error.field?.startsWith("spec.")) throw invalidArgument(error.field.slice(5), error.message);
        throw error;
      });
    await audit.record(request, { action: "source.created", projectId: source.projectId, target: source.id, detail: source.name });
    response.status(201).location(`/v1/projects/${source.projectId}/sources/${source.id}`).json(sourceJson(source));
  });

  router.get("/v1/projects/:projectId/sources", async (request, response) => {
    const page = await peers.ingestion.listSources({ projectId: authorizedProjectId(request, "sources.read"), page: pageFromQuery(request) });
    response.json({ sources: page.sources.map(sourceJson), ...nextCursor(page.nextPageToken) });
  });

  router.delete("/v1/projects/:projectId/sources/:sourceId", async (request, response) => {
    const projectId = authorizedProjectId(request, "sources.write");
    await peers.ingestion.deleteSource({ projectId, sourceId: request.params.sourceId });
    await audit.record(request, { action: "source.deleted", projectId, target: request.params.sourceId });
    response.status(204).end();
  });

  return router;
}
