import type { EventBus, Subscription } from "@qamesh/ports";
import { decodeEvent } from "./event-codec.js";
import { topics } from "./topics.js";

/**
 * Subscribes a service's consumer group to project deletions (ingestion announces one with the
 * removal of the project's sources): `forget` deletes what the service keeps of the project. It
 * must be idempotent, as every handler of an at-least-once bus.
 */
export function subscribeToProjectDeletions(bus: EventBus, group: string, forget: (projectId: string) => Promise<void>): Promise<Subscription> {
  return bus.subscribe({
    group,
    topic: topics.sourcesRemoved.name,
    handler: async (event) => {
      const removed = decodeEvent(topics.sourcesRemoved, event.payload);
      if (removed.projectDeleted) await forget(removed.projectId);
    },
  });
}
