import { Router } from "express";
import { IngestionMode } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import type { Peers } from "../../peers.js";
import { authorizedProjectId } from "../auth/project-access.js";
import { nextCursor, pageFromQuery } from "../page-query.js";
import { parseInput } from "@qamesh/errors";
import { runJson } from "../presenters.js";
import { requestBodies } from "../request-bodies.js";


export function ingestionRoutes(peers: Peers): Router {
  const router = Router();

  /** Returns at once with the queued run; poll its URL for progress. */
  router.post("/v1/projects/:projectId/ingestions", async (request, response) => {
    const body = parseInput(requestBodies.StartIngestion, request.body);
    const run = await peers.ingestion.startIngestion(
      { projectId: authorizedProjectId(request, "ingestions.start"), sourceId: body.sourceId ?? "", mode: body.mode === "full" ? IngestionMode.FULL : IngestionMode.INCREMENTAL },
    );
    response.status(202).location(`/v1/projects/${run.projectId}/ingestions/${run.id}`).json(runJson(run));
  });

  router.get("/v1/projects/:projectId/ingestions", async (request, response) => {
    const page = await peers.ingestion.listIngestionRuns({ projectId: authorizedProjectId(request, "ingestions.read"), page: pageFromQuery(request) });
    response.json({ runs: page.runs.map(runJson), ...nextCursor(page.nextPageToken) });
  });

  router.get("/v1/projects/:projectId/ingestions/:runId", async (request, response) => {
    const run = await peers.ingestion.getIngestionRun({ projectId: authorizedProjectId(request, "ingestions.read"), runId: request.params.runId });
    response.json(runJson(run));
  });

  return router;
}
