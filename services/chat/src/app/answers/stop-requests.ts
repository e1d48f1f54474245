import type { ChatDeps } from "../sessions/chat-deps.js";
import { collections, type StopRequestRecord } from "../sessions/chat-records.js";

/** How often a replica looks for stops asked on other replicas of the answers it writes. */
export const stopPollMs = 250;

/**
 * Stops the answers this replica writes that a user asked (on any replica) to stop: one query
 * for all of them, however many it writes. Infrastructure housekeeping, so across projects;
 * it only acts on answers this replica itself is writing.
 */
export async function applyStopRequests(deps: Pick<ChatDeps, "store" | "live">): Promise<void> {
  if (deps.live.all().length === 0) return;
  const requests = await deps.store.collection<StopRequestRecord>(collections.stops).findAcrossProjects({});
  for (const request of requests) deps.live.get(request.projectId, request.messageId)?.stop("user");
}
