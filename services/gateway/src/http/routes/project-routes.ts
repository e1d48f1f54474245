import { Router } from "express";
import { z } from "zod";
import { textLimits } from "@qamesh/limits";
import type { Peers } from "../../peers.js";
import { nextCursor, pageFromQuery } from "../page-query.js";
import { parseInput } from "../parse-input.js";
import { projectJson } from "../presenters.js";

const createProjectBody = z.object({
  name: z.string().min(1, "name must not be empty").max(textLimits.name),
  description: z.string().max(textLimits.description).default(""),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "id must be lowercase letters, digits or '-'").optional(),
});

const updateProjectBody = z
  .object({ name: z.string().min(1, "name must not be empty").max(textLimits.name).optional(), description: z.string().max(textLimits.description).optional() })
  .strict();

export function projectRoutes(peers: Peers): Router {
  const router = Router();

  router.post("/v1/projects", async (request, response) => {
    const body = parseInput(createProjectBody, request.body);
    const project = await peers.ingestion.createProject({ name: body.name, description: body.description, id: body.id ?? "" });
    response.status(201).location(`/v1/projects/${project.id}`).json(projectJson(project));
  });

  router.get("/v1/projects", async (request, response) => {
    const page = await peers.ingestion.listProjects({ page: pageFromQuery(request) });
    response.json({ projects: page.projects.map(projectJson), ...nextCursor(page.nextPageToken) });
  });

  router.get("/v1/projects/:projectId", async (request, response) => {
    response.json(projectJson(await peers.ingestion.getProject({ projectId: request.params.projectId })));
  });

  router.patch("/v1/projects/:projectId", async (request, response) => {
    const body = parseInput(updateProjectBody, request.body);
    const project = await peers.ingestion.updateProject(
      { projectId: request.params.projectId, ...(body.name === undefined ? {} : { name: body.name }), ...(body.description === undefined ? {} : { description: body.description }) },
    );
    response.json(projectJson(project));
  });

  router.delete("/v1/projects/:projectId", async (request, response) => {
    await peers.ingestion.deleteProject({ projectId: request.params.projectId });
    response.status(204).end();
  });

  return router;
}
