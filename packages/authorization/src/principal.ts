import type { GlobalRole, ProjectRole } from "./permission-table.js";

/**
 * A user as the gateway asserts them to the services: their global role, and their role in the
 * one project the call is about (none when the call is about no project or they are not a
 * member). An API key's narrowing is already applied.
 */
export interface Principal {
  kind: "user";
  userId: string;
  username: string;
  globalRole: GlobalRole;
  project?: { id: string; role: ProjectRole };
}

/** One of the mesh's own services, doing work no user asked for (indexing). */
export interface ServicePrincipal {
  kind: "service";
  service: string;
}

/**
 * A webhook delivery for one source, as the gateway received it: no user is behind it, and its
 * signature is not checked yet (the source's secret is the ingestion service's). It may do one
 * thing: hand that source a delivery.
 */
export interface WebhookPrincipal {
  kind: "webhook";
  sourceId: string;
}

/** Whoever a call inside the mesh is for. */
export type CallPrincipal = Principal | ServicePrincipal | WebhookPrincipal;

/** How a principal is named in logs and audit entries. */
export function principalName(principal: CallPrincipal): string {
  if (principal.kind === "webhook") return `webhook:${principal.sourceId}`;
  return principal.kind === "user" ? principal.username : `service:${principal.service}`;
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
