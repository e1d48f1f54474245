import { Router } from "express";
import { z } from "zod";
import { authorizeGlobal, authorizeProject } from "@qamesh/authorization";
import type { AuditRecord } from "../../audit/audit-log.js";
import type { GatewayIdentity } from "../../identity.js";
import { projectPrincipalOf } from "../auth/project-access.js";
import { nextCursor, pageFromQuery } from "../page-query.js";
import { parseInput } from "@qamesh/errors";

const auditQuery = z.object({ projectId: z.string().max(63).optional() });

const entryJson = (entry: AuditRecord) => ({
  time: entry.time,
  actor: entry.actor,
  action: entry.action,
  projectId: entry.projectId.startsWith("_") ? null : entry.projectId,
  target: entry.target,
  address: entry.address,
  requestId: entry.requestId,
  detail: entry.detail,
  ...(entry.toolCall ? { toolCall: entry.toolCall } : {}),
});

/**
 * The audit trail, newest first: a project's (its admins, and global admins), or without a
 * project the logins, users and keys (global admins).
 */
export function auditRoutes(identity: GatewayIdentity): Router {
  const router = Router();

  router.get("/v1/audit", async (request, response) => {
    const { projectId } = parseInput(auditQuery, request.query, "query");
    const { principal } = request.caller;
    if (projectId) {
      authorizeProject(await projectPrincipalOf(identity, request.caller, projectId), projectId, "audit.read");
    } else {
      authorizeGlobal(principal, "audit.read-all");
    }
    const page = pageFromQuery(request);
    const listed = await identity.audit.list(projectId, { size: page.pageSize, token: page.pageToken });
    response.json({ entries: listed.items.map(entryJson), ...nextCursor(listed.nextToken) });
  });

  return router;
}
