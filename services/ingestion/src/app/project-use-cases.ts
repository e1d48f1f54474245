import { authorizeGlobal, authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { invalidArgument, notFound } from "@qamesh/errors";
import { encodeEvent, topics } from "@qamesh/events";
import { addToOutbox, newEventId } from "@qamesh/outbox";
import { checkText, textLimits } from "@qamesh/limits";
import type { DocumentStore } from "@qamesh/ports";
import { randomBytes } from "node:crypto";
import { findPage, type Page, type PageRequest } from "@qamesh/pagination";
import { sourceKeysCollection, type SourceKeyRecord } from "./source-keys.js";
import { collections, type ProjectRecord, type RunRecord, type SourceRecord } from "./records.js";

const projectIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface ProjectUseCasesDeps {
  store: DocumentStore;
  clock: () => Date;
  /** Called after a commit that wrote outbox events. */
  onEventsCommitted: () => void;
}

export function projectUseCases({ store, clock, onEventsCommitted }: ProjectUseCasesDeps) {
  const projects = store.collection<ProjectRecord>(collections.projects);

  const validName = (name: string) => {
    const trimmed = checkText("name", name.trim(), textLimits.name);
    if (!trimmed) throw invalidArgument("name", "name is required");
    return trimmed;
  };
  const validDescription = (description: string) => {
    if (description.length > textLimits.description) throw invalidArgument("description", `description must be at most ${textLimits.description} characters`);
    return description;
  };

  return {
    async create(principal: CallPrincipal, input: { id: string; name: string; description: string }): Promise<ProjectRecord> {
      authorizeGlobal(principal, "projects.create");
      const id = input.id || `p-${randomBytes(5).toString("hex")}`;
      if (!projectIdPattern.test(id)) {
        throw invalidArgument("id", "id must be 1-63 lowercase letters, digits or '-', starting with a letter or digit");
      }
      const now = clock().toISOString();
      const project: ProjectRecord = { id, projectId: id, name: validName(input.name), description: validDescription(input.description), createTime: now, updateTime: now };
      await projects.insert(project);
      return project;
    },

    /** A page of all projects, oldest first (members list theirs through the gateway's memberships). */
    async list(principal: CallPrincipal, page: PageRequest): Promise<Page<ProjectRecord>> {
      authorizeGlobal(principal, "projects.list-all");
      return findPage(projects, {}, { field: "createTime", direction: "asc" }, page, "across projects");
    },

    async get(principal: CallPrincipal, projectId: string): Promise<ProjectRecord> {
      authorizeProject(principal, projectId, "project.read");
      return this.existing(projectId);
    },

    /** The project, for a use case that has authorized its principal already; 404 when it is gone. */
    async existing(projectId: string): Promise<ProjectRecord> {
      const project = projectId ? await projects.get(projectId, projectId) : undefined;
      if (!project) throw notFound(`project ${projectId} not found`);
      return project;
    },

    async update(principal: CallPrincipal, projectId: string, patch: { name?: string | undefined; description?: string | undefined }): Promise<ProjectRecord> {
      authorizeProject(principal, projectId, "project.update");
      const project = await this.existing(projectId);
      const updated: ProjectRecord = {
        ...project,
        ...(patch.name === undefined ? {} : { name: validName(patch.name) }),
        ...(patch.description === undefined ? {} : { description: validDescription(patch.description) }),
        updateTime: clock().toISOString(),
      };
      await projects.put(updated);
      return updated;
    },

    /** Removes the project with its sources and runs; on the event, workers drop its chunks and chat its chats. */
    async delete(principal: CallPrincipal, projectId: string): Promise<void> {
      authorizeProject(principal, projectId, "project.delete");
      await this.existing(projectId);
      await store.transaction(async (tx) => {
        const sources = await tx.collection<SourceRecord>(collections.sources).find({ projectId });
        await tx.collection<SourceRecord>(collections.sources).delete({ projectId });
        await tx.collection<SourceKeyRecord>(sourceKeysCollection).delete({ projectId });
        await tx.collection<RunRecord>(collections.runs).delete({ projectId });
        await tx.collection<ProjectRecord>(collections.projects).delete({ projectId, id: projectId });
        await addToOutbox(
          tx,
          projectId,
          encodeEvent(topics.sourcesRemoved, { projectId, sourceIds: sources.map((source) => source.id), projectDeleted: true }, { id: newEventId(), key: projectId }),
        );
      });
      onEventsCommitted();
    },
  };
}

export type ProjectUseCases = ReturnType<typeof projectUseCases>;
