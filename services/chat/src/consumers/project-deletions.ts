import { decodeEvent, topics } from "@qamesh/events";
import type { EventBus, Subscription } from "@qamesh/ports";
import type { ChatDeps } from "../app/sessions/chat-deps.js";
import { forgetProject } from "../app/sessions/deleted-projects.js";

/** The chat service's one subscription: a project's deletion (announced with its sources' removal) deletes its chats. */
export function subscribeToProjectDeletions(bus: EventBus, deps: Pick<ChatDeps, "store" | "live" | "logger">): Promise<Subscription> {
  return bus.subscribe({
    group: "chat",
    topic: topics.sourcesRemoved.name,
    handler: async (event) => {
      const removed = decodeEvent(topics.sourcesRemoved, event.payload);
      if (removed.projectDeleted) await forgetProject(deps, removed.projectId);
    },
  });
}
