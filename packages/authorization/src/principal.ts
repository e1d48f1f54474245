import type { GlobalRole, ProjectRole } from "./permission-table.js";

/**
 * Who a call is for, as the gateway asserts it to the services: the user, their global role,
 * and their role in the one project the call is about (none when the call is about no project
 * or they are not a member). An API key's narrowing is already applied.
 */
export interface Principal {
  userId: string;
  username: string;
  globalRole: GlobalRole;
  project?: { id: string; role: ProjectRole };
}

/**
 * The role an API key acts with in a project: never more than its owner has there, and no more
 * than the key was narrowed to. Undefined when the key is not valid for the project.
 */
export function effectiveProjectRole(
  ownerRole: ProjectRole | undefined,
  key: { projectIds?: readonly string[] | undefined; role?: ProjectRole | undefined } | undefined,
  projectId: string,
): ProjectRole | undefined {
  if (ownerRole === undefined) return undefined;
  if (!key) return ownerRole;
  if (key.projectIds && !key.projectIds.includes(projectId)) return undefined;
  return key.role === "member" ? "member" : ownerRole;
}
