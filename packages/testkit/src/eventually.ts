import { setTimeout as sleep } from "node:timers/promises";

/**
 * Retries an assertion until it passes or the time is up, then throws its last failure.
 * For asynchronous outcomes (a consumer that will get there), never for timing claims.
 */
export async function eventually<T>(assertion: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(intervalMs);
    }
  }
}
