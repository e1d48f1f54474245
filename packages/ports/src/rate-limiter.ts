/** How many attempts one key gets in a window, e.g. 10 logins per username per 15 minutes. */
export interface RateLimit {
  /** Names the counter, so two limits on the same key count apart. */
  name: string;
  points: number;
  durationSeconds: number;
}

/**
 * Counters shared by every replica that uses the same backing store (MongoDB when
 * distributed, in-process when standalone).
 */
export interface RateLimiter {
  /** Counts one attempt of `key`; resolves to 0 when it is allowed, else the seconds to wait. */
  consume(limit: RateLimit, key: string): Promise<number>;
  close(): Promise<void>;
}
