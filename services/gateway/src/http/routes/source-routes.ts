import { Router } from "express";
import { sourceTypeNamed } from "@qamesh/connectors";
import type { AuditLog } from "../../audit/audit-log.js";
import type { Peers } from "../../peers.js";
import { authorizedProjectId } from "../auth/project-access.js";
import { nextCursor, pageFromQuery } from "../page-query.js";
import { parseInput } from "@qamesh/errors";
import { sourceJson } from "../presenters.js";
import { requestBodies } from "../request-bodies.js";

export function sourceRoutes(peers: Peers, audit: AuditLog): Router {
  const router = Router();

  router.post("/v1/projects/:projectId/sources", async (request, response) => {
    const { type, name, webhookSecret, syncEvery, ...fields } = parseInput(requestBodies.CreateSource, request.body) as {
      type: string;
      name: string;
      webhookSecret?: string;
      syncEvery?: number;
    } & Record<string, unknown>;
    const sourceType = sourceTypeNamed(type);
    const pick = (shape: object) => Object.fromEntries(Object.keys(shape).filter((key) => fields[key] !== undefined).map((key) => [key, fields[key]]));
    const source = await peers.ingestion.createSource({
      projectId: authorizedProjectId(request, "sources.write"),
      name,
      spec: { type, configJson: JSON.stringify(pick(sourceType.config.shape)) },
      secretsJson: JSON.stringify(pick(sourceType.secrets.shape)),
      webhookSecret: webhookSecret ?? "",
      syncEverySeconds: syncEvery ?? 0,
    });
    await audit.record(request, { action: "source.created", projectId: source.projectId, target: source.id, detail: source.name });
    response.status(201).location(`/v1/projects/${source.projectId}/sources/${source.id}`).json(sourceJson(source));
  });

  router.get("/v1/projects/:projectId/sources", async (request, response) => {
    const page = await peers.ingestion.listSources({ projectId: authorizedProjectId(request, "sources.read"), page: pageFromQuery(request) });
    response.json({ sources: page.sources.map(sourceJson), ...nextCursor(page.nextPageToken) });
  });

  router.get("/v1/projects/:projectId/sources/:sourceId", async (request, response) => {
    const source = await peers.ingestion.getSource({ projectId: authorizedProjectId(request, "sources.read"), sourceId: request.params.sourceId });
    response.json(sourceJson(source));
  });

  router.patch("/v1/projects/:projectId/sources/:sourceId", async (request, response) => {
    const change = parseInput(requestBodies.UpdateSource, request.body);
    const projectId = authorizedProjectId(request, "sources.write");
    const source = await peers.ingestion.updateSource({
      projectId,
      sourceId: request.params.sourceId,
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.webhookSecret !== undefined ? { webhookSecret: change.webhookSecret ?? "" } : {}),
      ...(change.syncEvery !== undefined ? { syncEverySeconds: change.syncEvery ?? 0 } : {}),
    });
    const changed = Object.keys(change).join(", ");
    await audit.record(request, { action: "source.updated", projectId, target: source.id, detail: changed });
    response.json(sourceJson(source));
  });

  router.delete("/v1/projects/:projectId/sources/:sourceId", async (request, response) => {
    const projectId = authorizedProjectId(request, "sources.write");
    await peers.ingestion.deleteSource({ projectId, sourceId: request.params.sourceId });
    await audit.record(request, { action: "source.deleted", projectId, target: request.params.sourceId });
    response.status(204).end();
  });

  return router;
}
