import { setTimeout as sleep } from "node:timers/promises";

export interface RetryPolicy {
  attempts: number;
  /** Wait before the second attempt; doubled for each one after. */
  backoffMs: number;
}

/** Runs `work` until it succeeds or the attempts are spent, then rethrows the last failure. */
export async function retrying<T>(policy: RetryPolicy, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= policy.attempts) throw error;
      await sleep(policy.backoffMs * 2 ** (attempt - 1));
    }
  }
}
