import { Router } from "express";
import type { Peers } from "../../peers.js";
import { authorizedProjectId } from "../auth/project-access.js";

/** The tools a project's agent may call, as tool-runtime's catalog lists them. */
export function toolRoutes(peers: Peers): Router {
  const router = Router();

  router.get("/v1/projects/:projectId/tools", async (request, response) => {
    const projectId = authorizedProjectId(request, "project.read");
    const { tools } = await peers.toolRuntime.listTools({ projectId });
    response.json({
      tools: tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: JSON.parse(tool.parametersJsonSchema || "{}") as unknown, builtIn: tool.builtIn })),
    });
  });

  return router;
}
