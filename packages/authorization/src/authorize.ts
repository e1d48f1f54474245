import { AppError, notFound } from "@qamesh/errors";
import {
  globalRolePermissions,
  permissionDescriptions,
  projectRolePermissions,
  servicePermissions,
  type GlobalPermission,
  type ProjectPermission,
} from "./permission-table.js";
import type { CallPrincipal } from "./principal.js";

/**
 * Throws unless `principal` may do `permission` in `projectId`. A caller who is not a member
 * learns nothing of the project: the answer is the same 404 as for a project that does not
 * exist. A member lacking the permission gets 403. Global admins may do everything everywhere;
 * the mesh's services only what the service column of the table allows.
 */
export function authorizeProject(principal: CallPrincipal, projectId: string, permission: ProjectPermission): void {
  if (principal.kind === "webhook") throw new AppError("permission_denied", `a webhook may not ${permissionDescriptions[permission]}`);
  if (principal.kind === "service") {
    if (!servicePermissions[permission]) throw new AppError("permission_denied", `a mesh service may not ${permissionDescriptions[permission]}`);
    return;
  }
  if (principal.globalRole === "admin") return;
  const role = principal.project?.id === projectId ? principal.project.role : undefined;
  if (role === undefined) throw notFound(`project ${projectId} not found`);
  if (!projectRolePermissions[role][permission]) {
    throw new AppError("permission_denied", `a project ${role} may not ${permissionDescriptions[permission]}`);
  }
}

/** Throws 403 unless the principal is a user whose global role has `permission`. */
export function authorizeGlobal(principal: CallPrincipal, permission: GlobalPermission): void {
  if (principal.kind !== "user" || !globalRolePermissions[principal.globalRole][permission]) {
    throw new AppError("permission_denied", `only a global admin may ${permissionDescriptions[permission]}`);
  }
}

/** Throws 403 unless the principal is a webhook delivery for exactly this source. */
export function authorizeWebhook(principal: CallPrincipal, sourceId: string): void {
  if (principal.kind !== "webhook" || principal.sourceId !== sourceId) throw new AppError("permission_denied", "only a webhook delivery for this source may be handed to it");
}
