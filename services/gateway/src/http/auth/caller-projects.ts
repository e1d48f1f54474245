import { isAppError } from "@qamesh/errors";
import type { MembershipRecord } from "@qamesh/identity";
import { runAs } from "@qamesh/mesh-auth";
import type { Project } from "@qamesh/proto/qamesh/ingestion/v1/ingestion_pb.js";
import type { GatewayIdentity } from "../../identity.js";
import type { Peers } from "../../peers.js";
import type { Caller } from "./authenticate.js";
import { projectPrincipal } from "./project-access.js";

/** A global admin calling with their full rights (not through an API key narrowed to projects or a role) sees every project. */
export function seesEveryProject(caller: Caller): boolean {
  const narrowedKey = caller.via.kind === "api key" && (caller.via.key.projectIds !== null || caller.via.key.role !== null);
  return caller.principal.globalRole === "admin" && !narrowedKey;
}

/** The caller's memberships, limited to the projects their API key allows. */
export async function callerMemberships(identity: GatewayIdentity, caller: Caller): Promise<MembershipRecord[]> {
  const allowed = caller.via.kind === "api key" ? caller.via.key.projectIds : null;
  return (await identity.memberships.ofUser(caller.principal.userId)).filter((membership) => !allowed || allowed.includes(membership.projectId));
}

/** The projects of these memberships, each read as the caller acting in it (the service checks that role); deleted ones are left out. */
export async function projectsOf(peers: Peers, identity: GatewayIdentity, caller: Caller, memberships: readonly MembershipRecord[]): Promise<Project[]> {
  const projects = await Promise.all(
    memberships.map((membership) => {
      const inProject = projectPrincipal(caller, membership.projectId, membership.role);
      return runAs(inProject, identity.assertions.credentialFor(inProject), () => peers.ingestion.getProject({ projectId: membership.projectId })).catch((error: unknown) => {
        if (isAppError(error) && error.code === "not_found") return undefined;
        throw error;
      });
    }),
  );
  return projects.filter((project) => project !== undefined);
}
