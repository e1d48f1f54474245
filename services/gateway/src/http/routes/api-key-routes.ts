import { Router } from "express";
import { AppError, notFound } from "@qamesh/errors";
import type { ApiKeyRecord } from "@qamesh/identity";
import type { Caller } from "../auth/authenticate.js";
import type { GatewayIdentity } from "../../identity.js";
import { parseInput } from "@qamesh/errors";
import { requestBodies } from "../request-bodies.js";

const keyJson = (key: ApiKeyRecord) => ({
  id: key.id,
  name: key.name,
  projectIds: key.projectIds,
  role: key.role,
  expiresAt: key.expireTime,
  createdAt: key.createTime,
});

/** The caller's own API keys: the key itself is shown once, at creation. */
export function apiKeyRoutes(identity: GatewayIdentity): Router {
  const router = Router();

  router.post("/v1/api-keys", async (request, response) => {
    const body = parseInput(requestBodies.CreateApiKey, request.body);
    await refuseWiderThanOwner(identity, request.caller, body);
    const { record, key } = await identity.apiKeys.create(request.caller.principal.userId, {
      name: body.name,
      projectIds: body.projectIds,
      role: body.role,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
    });
    request.log.info({ keyId: record.id }, "API key created");
    await identity.audit.record(request, { action: "api-key.created", target: record.id, detail: record.name });
    response.setHeader("cache-control", "no-store");
    response.status(201).json({ ...keyJson(record), key });
  });

  router.get("/v1/api-keys", async (request, response) => {
    response.json({ apiKeys: (await identity.apiKeys.list(request.caller.principal.userId)).map(keyJson) });
  });

  router.delete("/v1/api-keys/:keyId", async (request, response) => {
    await identity.apiKeys.delete(request.caller.principal.userId, request.params.keyId);
    request.log.info({ keyId: request.params.keyId }, "API key deleted");
    await identity.audit.record(request, { action: "api-key.deleted", target: request.params.keyId });
    response.status(204).end();
  });

  return router;
}

/**
 * A key never holds more than its owner: it is made with a login (a key cannot make a wider key),
 * only for projects the owner belongs to, and as admin only where the owner is admin.
 */
async function refuseWiderThanOwner(identity: GatewayIdentity, caller: Caller, body: { projectIds?: string[] | undefined; role?: "admin" | "member" | undefined }): Promise<void> {
  if (caller.via.kind === "api key") throw new AppError("permission_denied", "API keys are created with a login, not with another API key");
  if (caller.principal.globalRole === "admin") return;
  const memberships = await identity.memberships.ofUser(caller.principal.userId);
  const roleIn = new Map(memberships.map((membership) => [membership.projectId, membership.role]));
  for (const projectId of body.projectIds ?? []) {
    if (!roleIn.has(projectId)) throw notFound(`project ${projectId} not found`);
  }
  if (body.role === "admin") {
    const projects = body.projectIds ?? memberships.map((membership) => membership.projectId);
    const notAdmin = projects.find((projectId) => roleIn.get(projectId) !== "admin");
    if (notAdmin) throw new AppError("permission_denied", `an API key cannot have more than its owner: you are not an admin of project ${notAdmin}`);
  }
}
