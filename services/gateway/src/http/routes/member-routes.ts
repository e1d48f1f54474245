import { Router } from "express";
import { notFound } from "@qamesh/errors";
import type { GatewayIdentity } from "../../identity.js";
import { authorizedProjectId } from "../auth/project-access.js";
import { parseInput } from "@qamesh/errors";
import { requestBodies } from "../request-bodies.js";

/** A project's members and their roles (project admins). The last admin cannot be removed or demoted. */
export function memberRoutes(identity: GatewayIdentity): Router {
  const router = Router();

  router.get("/v1/projects/:projectId/members", async (request, response) => {
    const projectId = authorizedProjectId(request, "members.read");
    const memberships = await identity.memberships.ofProject(projectId);
    const users = await Promise.all(memberships.map((membership) => identity.users.get(membership.userId)));
    response.json({
      members: memberships.map((membership, index) => ({ userId: membership.userId, username: users[index]?.username ?? null, role: membership.role })),
    });
  });

  router.put("/v1/projects/:projectId/members/:userId", async (request, response) => {
    const projectId = authorizedProjectId(request, "members.write");
    const { role } = parseInput(requestBodies.SetMember, request.body);
    const user = await identity.users.get(request.params.userId);
    if (!user) throw notFound(`user ${request.params.userId} not found`);
    await identity.memberships.set(projectId, user.id, role);
    request.log.info({ projectId, userId: user.id, role }, "membership set");
    await identity.audit.record(request, { action: "membership.set", projectId, target: user.username, detail: `role ${role}` });
    response.json({ userId: user.id, username: user.username, role });
  });

  router.delete("/v1/projects/:projectId/members/:userId", async (request, response) => {
    const projectId = authorizedProjectId(request, "members.write");
    if (!(await identity.memberships.remove(projectId, request.params.userId))) throw notFound(`user ${request.params.userId} is not a member of project ${projectId}`);
    request.log.info({ projectId, userId: request.params.userId }, "membership removed");
    await identity.audit.record(request, { action: "membership.removed", projectId, target: request.params.userId });
    response.status(204).end();
  });

  return router;
}
