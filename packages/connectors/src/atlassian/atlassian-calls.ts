import { AppError, failedPrecondition } from "@qamesh/errors";
import { setTimeout as sleep } from "node:timers/promises";

/** What the Atlassian clients (jira.js, confluence.js: axios underneath) say when a request fails. */
interface FailedCall {
  status?: number;
  response?: { status?: number; headers?: Record<string, unknown> };
  cause?: { response?: { status?: number; headers?: Record<string, unknown> } };
}

const statusOf = (error: unknown) => {
  const failed = error as FailedCall | null;
  return failed?.status ?? failed?.response?.status ?? failed?.cause?.response?.status ?? 0;
};
const headerOf = (error: unknown, name: string) => {
  const failed = error as FailedCall | null;
  const value = failed?.response?.headers?.[name] ?? failed?.cause?.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
};

/** A 404 or 410: what was asked for is not there (deleted, moved away, or not visible to the account). */
export const isGone = (error: unknown) => [404, 410].includes(statusOf(error));

/**
 * One call to Jira or Confluence, as Atlassian documents their limits: a 429 (or 503 with
 * Retry-After) waits the time it names and tries again, the run being told; other 5xx are
 * retried with backoff; 401 and 403 end with a clear reason.
 */
export async function atlassianCall<T>(provider: string, reportWaiting: ((seconds: number, reason: string) => void) | undefined, work: () => Promise<T>): Promise<T> {
  let waits = 0;
  let serverErrors = 0;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      const status = statusOf(error);
      const retryAfter = Number(headerOf(error, "retry-after"));
      if (status === 429 || (status === 503 && retryAfter > 0)) {
        if (waits++ >= 5) throw new AppError("unavailable", `${provider}'s rate limit did not lift after 5 waits`);
        const seconds = Math.min(900, retryAfter > 0 ? retryAfter : 2 ** waits);
        reportWaiting?.(seconds, `${provider}'s rate limit (${status}): waiting ${seconds} s as it asked`);
        await sleep(seconds * 1000);
        continue;
      }
      if (status >= 500 && serverErrors++ < 3) {
        await sleep(250 * 2 ** (serverErrors - 1));
        continue;
      }
      if (status === 401) throw failedPrecondition(`${provider} refused the credentials (401): check the source's email and API token, or personal token`);
      if (status === 403) throw failedPrecondition(`${provider} refused access (403): the account cannot read this`);
      if (status >= 500) throw new AppError("unavailable", `${provider} answered ${status} through every retry`);
      throw error;
    }
  }
}
