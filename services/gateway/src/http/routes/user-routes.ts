import { Router } from "express";
import { authorizeGlobal } from "@qamesh/authorization";
import { failedPrecondition, notFound } from "@qamesh/errors";
import type { UserRecord } from "@qamesh/identity";
import type { GatewayIdentity } from "../../identity.js";
import { nextCursor, pageFromQuery } from "../page-query.js";
import { parseInput } from "@qamesh/errors";
import { requestBodies } from "../request-bodies.js";


const userJson = (user: UserRecord) => ({ id: user.id, username: user.username, globalRole: user.globalRole, origin: user.origin, createdAt: user.createTime, updatedAt: user.updateTime });

/** Who the caller is; and the users themselves, for global admins. */
export function userRoutes(identity: GatewayIdentity): Router {
  const router = Router();

  router.get("/v1/me", async (request, response) => {
    const { principal } = request.caller;
    const memberships = await identity.memberships.ofUser(principal.userId);
    response.json({
      id: principal.userId,
      username: principal.username,
      globalRole: principal.globalRole,
      memberships: memberships.map((membership) => ({ projectId: membership.projectId, role: membership.role })),
    });
  });

  router.post("/v1/users", async (request, response) => {
    authorizeGlobal(request.caller.principal, "users.manage");
    const body = parseInput(requestBodies.CreateUser, request.body);
    const user = await identity.users.create({ username: body.username, password: body.password, globalRole: body.globalRole, origin: "local" });
    request.log.info({ userId: user.id }, "user created");
    await identity.audit.record(request, { action: "user.created", target: user.username, detail: `global role ${user.globalRole}` });
    response.status(201).location(`/v1/users/${user.id}`).json(userJson(user));
  });

  router.get("/v1/users", async (request, response) => {
    authorizeGlobal(request.caller.principal, "users.manage");
    const page = pageFromQuery(request);
    const listed = await identity.users.list({ size: page.pageSize, token: page.pageToken });
    response.json({ users: listed.items.map(userJson), ...nextCursor(listed.nextToken) });
  });

  router.get("/v1/users/:userId", async (request, response) => {
    authorizeGlobal(request.caller.principal, "users.manage");
    const user = await identity.users.get(request.params.userId);
    if (!user) throw notFound(`user ${request.params.userId} not found`);
    response.json(userJson(user));
  });

  router.patch("/v1/users/:userId", async (request, response) => {
    authorizeGlobal(request.caller.principal, "users.manage");
    const body = parseInput(requestBodies.UpdateUser, request.body);
    if (body.globalRole === "user") await keepAnAdmin(identity, request.params.userId, "demote");
    const user = await identity.users.update(request.params.userId, body);
    // A new password is a reset: whoever held the old one is logged out everywhere.
    const endedLogins = body.password !== undefined ? await identity.refreshTokens.revokeAllOf(user.id, "password changed") : 0;
    request.log.info({ userId: user.id, globalRole: body.globalRole, endedLogins }, "user updated");
    const changed = [body.password !== undefined ? `password (${endedLogins} logins ended)` : "", body.globalRole ? `global role ${body.globalRole}` : ""].filter(Boolean).join(", ");
    await identity.audit.record(request, { action: "user.updated", target: user.username, detail: changed });
    response.json(userJson(user));
  });

  /** A deleted user's tokens and keys stop working at once (every request looks the user up). */
  router.delete("/v1/users/:userId", async (request, response) => {
    authorizeGlobal(request.caller.principal, "users.manage");
    await keepAnAdmin(identity, request.params.userId, "delete");
    const user = await identity.users.delete(request.params.userId);
    await identity.apiKeys.deleteAllOf(user.id);
    await identity.memberships.removeUser(user.id);
    request.log.info({ userId: user.id }, "user deleted");
    await identity.audit.record(request, { action: "user.deleted", target: user.username });
    response.status(204).end();
  });

  return router;
}

/** Refuses to leave qamesh without a global admin: nobody could manage users again. */
async function keepAnAdmin(identity: GatewayIdentity, userId: string, doing: "demote" | "delete"): Promise<void> {
  const user = await identity.users.get(userId);
  if (user?.globalRole === "admin" && !(await identity.users.otherAdminThan(userId))) {
    throw failedPrecondition(`cannot ${doing} ${user.username}: they are the last global admin`);
  }
}
