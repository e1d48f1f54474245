import type { ChatDeps } from "./chat-deps.js";
import { collections } from "./chat-records.js";

/**
 * Everything chat keeps of a deleted project goes: its answers being written here are stopped,
 * then its chats, messages, answer events and stop requests are deleted. Deleting is idempotent,
 * so a redelivered event changes nothing; a project created again under the same id starts empty.
 */
export async function forgetProject(deps: Pick<ChatDeps, "store" | "live" | "logger">, projectId: string): Promise<void> {
  const stopping = deps.live.all().filter((live) => live.projectId === projectId);
  for (const live of stopping) live.stop("deleted");
  await Promise.all(stopping.map((live) => live.finished));
  for (const name of [collections.stops, collections.eventBatches, collections.messages, collections.chats]) {
    await deps.store.collection(name).delete({ projectId });
  }
  deps.logger.info({ projectId }, "deleted the chats of a deleted project");
}
