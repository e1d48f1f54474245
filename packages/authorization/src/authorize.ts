import { AppError, notFound } from "@qamesh/errors";
import {
  globalRolePermissions,
  permissionDescriptions,
  projectRolePermissions,
  type GlobalPermission,
  type ProjectPermission,
} from "./permission-table.js";
import type { Principal } from "./principal.js";

/**
 * Throws unless `principal` may do `permission` in `projectId`. A caller who is not a member
 * learns nothing of the project: the answer is the same 404 as for a project that does not
 * exist. A member lacking the permission gets 403. Global admins may do everything everywhere.
 */
export function authorizeProject(principal: Principal, projectId: string, permission: ProjectPermission): void {
  if (principal.globalRole === "admin") return;
  const role = principal.project?.id === projectId ? principal.project.role : undefined;
  if (role === undefined) throw notFound(`project ${projectId} not found`);
  if (!projectRolePermissions[role][permission]) {
    throw new AppError("permission_denied", `a project ${role} may not ${permissionDescriptions[permission]}`);
  }
}

/** Throws 403 unless the principal's global role has `permission`. */
export function authorizeGlobal(principal: Principal, permission: GlobalPermission): void {
  if (!globalRolePermissions[principal.globalRole][permission]) {
    throw new AppError("permission_denied", `only a global admin may ${permissionDescriptions[permission]}`);
  }
}
