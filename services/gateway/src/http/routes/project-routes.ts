import { Router } from "express";
import { authorizeGlobal } from "@qamesh/authorization";
import { invalidArgument, isAppError } from "@qamesh/errors";
import type { GatewayIdentity } from "../../identity.js";
import type { Peers } from "../../peers.js";
import { runAs } from "@qamesh/mesh-auth";
import { authorizedProjectId, projectPrincipal } from "../auth/project-access.js";
import { nextCursor, pageFromQuery } from "../page-query.js";
import { parseInput } from "../parse-input.js";
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
    const { principal, via } = request.caller;
    const narrowedKey = via.kind === "api key" && (via.key.projectIds !== null || via.key.role !== null);
    if (principal.globalRole === "admin" && !narrowedKey) {
      const listed = await peers.ingestion.listProjects({ page });
      response.json({ projects: listed.projects.map(projectJson), ...nextCursor(listed.nextPageToken) });
      return;
    }
    const allowed = via.kind === "api key" ? via.key.projectIds : null;
    const memberships = (await identity.memberships.ofUser(principal.userId)).filter((membership) => !allowed || allowed.includes(membership.projectId));
    const offset = offsetOf(page.pageToken);
    const slice = memberships.slice(offset, offset + page.pageSize);
    // Each project is read as the caller acting in that project: the service checks that role.
    const projects = await Promise.all(
      slice.map((membership) => {
        const inProject = projectPrincipal(request.caller, membership.projectId, membership.role);
        return runAs(inProject, identity.assertions.credentialFor(inProject), () => peers.ingestion.getProject({ projectId: membership.projectId })).catch((error: unknown) => {
          if (isAppError(error) && error.code === "not_found") return undefined;
          throw error;
        });
      }),
    );
    const next = offset + page.pageSize < memberships.length ? Buffer.from(JSON.stringify({ offset: offset + page.pageSize })).toString("base64url") : "";
    response.json({ projects: projects.filter((project) => project !== undefined).map(projectJson), ...nextCursor(next) });
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
