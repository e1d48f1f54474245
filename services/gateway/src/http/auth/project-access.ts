import type { NextFunction, Request, Response } from "express";
import { authorizeProject, effectiveProjectRole, type Principal, type ProjectPermission, type ProjectRole } from "@qamesh/authorization";
import { currentContextValues } from "@qamesh/grpc";
import { actAs } from "@qamesh/mesh-auth";
import type { GatewayIdentity } from "../../identity.js";
import type { Caller } from "./authenticate.js";

declare module "express-serve-static-core" {
  interface Request {
    /** The caller with their role in the project of a /v1/projects/{projectId}/... route. */
    projectPrincipal: Principal;
    /**
     * From here on the request's calls present an assertion that lasts as long as an answer may:
     * the chat service goes on writing an answer after the call that started it returned.
     */
    startsAnswer(): void;
  }
}

/**
 * For every route under /v1/projects/{projectId}: the caller's role there, from their
 * membership (global admins are admins everywhere) narrowed by the API key they call with. The
 * services are told that role, and check it again themselves; the gateway's own check happens
 * in the handlers, through `authorizedProjectId`.
 */
export function projectAccess(identity: GatewayIdentity) {
  return async (request: Request, _response: Response, next: NextFunction) => {
    const principal = await projectPrincipalOf(identity, request.caller, String(request.params.projectId));
    request.projectPrincipal = principal;
    actAs(currentContextValues(), principal, identity.assertions.credentialFor(principal));
    request.startsAnswer = () => actAs(currentContextValues(), principal, identity.assertions.credentialForAnswer(principal));
    next();
  };
}

/** The caller as they act in one project: their membership, narrowed by the API key they use. */
export async function projectPrincipalOf(identity: GatewayIdentity, caller: Caller, projectId: string): Promise<Principal> {
  const member = caller.principal.globalRole === "admin" ? "admin" : await identity.memberships.role(projectId, caller.principal.userId);
  return projectPrincipal(caller, projectId, member);
}

/** The caller in `projectId`, given their membership role there (none: not a member). */
export function projectPrincipal(caller: Caller, projectId: string, member: ProjectRole | undefined): Principal {
  const { principal, via } = caller;
  const role: ProjectRole | undefined = effectiveProjectRole(member, via.kind === "api key" ? { projectIds: via.key.projectIds ?? undefined, role: via.key.role ?? undefined } : undefined, projectId);
  // A narrowed API key of a global admin acts as that project role, not as a global admin.
  const narrowed = via.kind === "api key" && (via.key.projectIds !== null || via.key.role !== null);
  return {
    ...principal,
    ...(narrowed ? { globalRole: "user" as const } : {}),
    ...(role ? { project: { id: projectId, role } } : {}),
  };
}

/** The project id of the route, once the caller may do `permission` there (404 for non-members, 403 otherwise). */
export function authorizedProjectId(request: Request, permission: ProjectPermission): string {
  const projectId = String(request.params.projectId);
  authorizeProject(request.projectPrincipal, projectId, permission);
  return projectId;
}
