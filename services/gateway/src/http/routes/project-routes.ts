import { Router } from "express";
import { authorizeGlobal } from "@qamesh/authorization";
import { invalidArgument } from "@qamesh/errors";
import type { GatewayIdentity } from "../../identity.js";
import type { Peers } from "../../peers.js";
import { callerMemberships, projectsOf, seesEveryProject } from "../auth/caller-projects.js";
import { authorizedProjectId } from "../auth/project-access.js";
import { nextCursor, pageFromQuery } from "../page-query.js";
import { parseInput } from "@qamesh/errors";
import { projectJson } from "../presenters.js";
import { requestBodies } from "../request-bodies.js";

export function projectRoutes(peers: Peers, identity: GatewayIdentity): Router {
  const router = Router();

  /** Whoever creates a project becomes its admin. */
  router.post("/v1/projects", async (request, response) => {
    authorizeGlobal(request.caller.principal, "projects.create");
    const body = parseInput(requestBodies.CreateProject, request.body);
    const project = await peers.ingestion.createProject({ name: body.name, description: body.description, id: body.id ?? "" });
    await identity.memberships.set(project.id, request.caller.principal.userId, "admin");
    request.log.info({ projectId: project.id }, "project created");
    await identity.audit.record(request, { action: "project.created", projectId: project.id, target: project.id, detail: project.name });
    response.status(201).location(`/v1/projects/${project.id}`).json(projectJson(project));
  });

  /** Global admins see every project; everyone else the projects they belong to (and their key allows). */
  router.get("/v1/projects", async (request, response) => {
    const page = pageFromQuery(request);
    if (seesEveryProject(request.caller)) {
      const listed = await peers.ingestion.listProjects({ page });
      response.json({ projects: listed.projects.map(projectJson), ...nextCursor(listed.nextPageToken) });
      return;
    }
    const memberships = await callerMemberships(identity, request.caller);
    const offset = offsetOf(page.pageToken);
    const projects = await projectsOf(peers, identity, request.caller, memberships.slice(offset, offset + page.pageSize));
    const next = offset + page.pageSize < memberships.length ? Buffer.from(JSON.stringify({ offset: offset + page.pageSize })).toString("base64url") : "";
    response.json({ projects: projects.map(projectJson), ...nextCursor(next) });
  });

  router.get("/v1/projects/:projectId", async (request, response) => {
    response.json(projectJson(await peers.ingestion.getProject({ projectId: authorizedProjectId(request, "project.read") })));
  });

  router.patch("/v1/projects/:projectId", async (request, response) => {
    const projectId = authorizedProjectId(request, "project.update");
    const body = parseInput(requestBodies.UpdateProject, request.body);
    const project = await peers.ingestion.updateProject({
      projectId,
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.description === undefined ? {} : { description: body.description }),
    });
    response.json(projectJson(project));
  });

  router.delete("/v1/projects/:projectId", async (request, response) => {
    const projectId = authorizedProjectId(request, "project.delete");
    await peers.ingestion.deleteProject({ projectId });
    await identity.memberships.removeProject(projectId);
    request.log.info({ projectId }, "project deleted");
    await identity.audit.record(request, { action: "project.deleted", projectId, target: projectId });
    response.status(204).end();
  });

  return router;
}

/** The position a member's project listing continues from. */
function offsetOf(cursor: string): number {
  if (!cursor) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { offset?: unknown };
    if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw invalidArgument("cursor", "cursor is not one this listing returned");
}
