import type { ProjectRole } from "@qamesh/authorization";
import { failedPrecondition } from "@qamesh/errors";
import type { DocumentStore } from "@qamesh/ports";
import { identityCollections, type MembershipRecord } from "./identity-records.js";

/**
 * Who belongs to which project, with which role. A membership is a record of its project (id =
 * the user's id), so a project's members are one scoped query; a user's projects are the one
 * cross-project query, over records that are that user's own.
 */
export class Memberships {
  constructor(
    private readonly store: DocumentStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async role(projectId: string, userId: string): Promise<ProjectRole | undefined> {
    return (await this.records().get(projectId, userId))?.role;
  }

  /**
   * Adds or changes a membership. Demoting the last admin is refused: a project always keeps
   * someone who can manage it.
   */
  async set(projectId: string, userId: string, role: ProjectRole): Promise<MembershipRecord> {
    const existing = await this.records().get(projectId, userId);
    if (existing?.role === "admin" && role !== "admin") await this.refuseLastAdmin(projectId, "demoted");
    const record: MembershipRecord = { id: userId, projectId, userId, role, createTime: existing?.createTime ?? this.clock().toISOString() };
    await this.records().put(record);
    return record;
  }

  /** Removes a membership; the last admin cannot be removed. Returns whether there was one. */
  async remove(projectId: string, userId: string): Promise<boolean> {
    const existing = await this.records().get(projectId, userId);
    if (!existing) return false;
    if (existing.role === "admin") await this.refuseLastAdmin(projectId, "removed");
    await this.records().delete({ projectId, id: userId });
    return true;
  }

  ofProject(projectId: string): Promise<MembershipRecord[]> {
    return this.records().find({ projectId }, { sort: { field: "createTime", direction: "asc" } });
  }

  ofUser(userId: string): Promise<MembershipRecord[]> {
    return this.records().findAcrossProjects({ userId }, { sort: { field: "createTime", direction: "asc" } });
  }

  /** When a project is deleted. */
  async removeProject(projectId: string): Promise<void> {
    await this.records().delete({ projectId });
  }

  /** When a user is deleted. */
  async removeUser(userId: string): Promise<void> {
    for (const membership of await this.ofUser(userId)) await this.records().delete({ projectId: membership.projectId, id: userId });
  }

  private async refuseLastAdmin(projectId: string, what: string): Promise<void> {
    const admins = (await this.ofProject(projectId)).filter((membership) => membership.role === "admin");
    if (admins.length <= 1) throw failedPrecondition(`the last admin of project ${projectId} cannot be ${what}`);
  }

  private records() {
    return this.store.collection<MembershipRecord>(identityCollections.memberships);
  }
}
