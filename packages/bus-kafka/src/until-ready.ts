import { setTimeout as sleep } from "node:timers/promises";

/**
 * Repeats `attempt` while Kafka answers with a retriable error (a topic another process has
 * just created is not on every broker's metadata yet, a leader is being elected), up to a
 * deadline. Anything not retriable fails at once.
 */
export async function untilReady<T>(attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await attempt();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}
