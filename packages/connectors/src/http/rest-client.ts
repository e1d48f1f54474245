import { AppError, failedPrecondition } from "@qamesh/errors";
import { RedirectRefusedError } from "@qamesh/source-safety";
import { setTimeout as sleep } from "node:timers/promises";

/** A provider's answer that means the thing asked for is not there (deleted, moved): no error, nothing. */
export class NotFoundAnswer extends Error {}

export interface RestClientOptions {
  /** Who answers, in messages: "GitLab". */
  provider: string;
  /** Every path is relative to it. */
  baseUrl: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  /** Tells the run that a rate limit is waited out. */
  reportWaiting?: ((seconds: number, reason: string) => void) | undefined;
  /** Server errors retried this often, a rate limit waited out this often. */
  retries?: number;
  maxWaits?: number;
}

/** Used when a 429 names no time; and the longest single wait taken. */
const defaultWaitSeconds = 60;
const longestWaitSeconds = 15 * 60;

/**
 * JSON over a provider's REST API, as its documentation says to use it: a 429 (or 403 with
 * Retry-After) waits the time it names and tries again (the run is told), a 5xx is retried with
 * backoff, a 401 or 403 ends with a clear reason, a 404 or 410 means "not there". Pages follow
 * the Link header's `next`, or GitLab's `X-Next-Page`.
 */
export class RestClient {
  constructor(private readonly options: RestClientOptions) {}

  async get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<{ data: T; headers: Headers }> {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, "")}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    return this.getUrl<T>(url.href);
  }

  /** Every page of a listing, one array at a time. */
  async *pages<T>(path: string, query: Record<string, string | number | undefined> = {}): AsyncIterable<T[]> {
    let next: string | undefined;
    let page = await this.get<T[]>(path, query);
    for (;;) {
      yield page.data;
      next = nextPageUrl(page.headers, path, query, this.options.baseUrl);
      if (!next) return;
      page = await this.getUrl<T[]>(next);
    }
  }

  private async getUrl<T>(url: string): Promise<{ data: T; headers: Headers }> {
    const { provider } = this.options;
    let serverErrors = 0;
    let waits = 0;
    for (;;) {
      let response: Response;
      try {
        response = await this.options.fetch(url, { headers: { accept: "application/json", ...this.options.headers } });
      } catch (error) {
        if (error instanceof RedirectRefusedError) throw failedPrecondition(`${provider} answered with a redirect, which is not followed: check the base URL and the project`);
        if (serverErrors++ < (this.options.retries ?? 3)) {
          await sleep(backoffMs(serverErrors));
          continue;
        }
        throw new AppError("unavailable", `${provider} could not be reached`, { cause: error });
      }
      const retryAfter = Number(response.headers.get("retry-after"));
      if (response.status === 429 || (response.status === 403 && retryAfter > 0)) {
        await response.body?.cancel();
        if (waits++ >= (this.options.maxWaits ?? 5)) throw new AppError("unavailable", `${provider}'s rate limit did not lift after ${waits - 1} waits`);
        const seconds = Math.min(longestWaitSeconds, retryAfter > 0 ? retryAfter : resetSeconds(response.headers) ?? defaultWaitSeconds);
        this.options.reportWaiting?.(seconds, `${provider}'s rate limit (${response.status}): waiting ${seconds} s as it asked`);
        await sleep(seconds * 1000);
        continue;
      }
      if (response.status >= 500) {
        await response.body?.cancel();
        if (serverErrors++ < (this.options.retries ?? 3)) {
          await sleep(backoffMs(serverErrors));
          continue;
        }
        throw new AppError("unavailable", `${provider} answered ${response.status} through every retry`);
      }
      if (response.status === 404 || response.status === 410) {
        await response.body?.cancel();
        throw new NotFoundAnswer(`${provider} answered ${response.status}`);
      }
      if (response.status === 401) {
        await response.body?.cancel();
        throw failedPrecondition(`${provider} refused the token (401): give the source a valid token`);
      }
      if (response.status === 403) {
        await response.body?.cancel();
        throw failedPrecondition(`${provider} refused access (403): the token cannot read this`);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw failedPrecondition(`${provider} answered ${response.status}`);
      }
      return { data: (await response.json()) as T, headers: response.headers };
    }
  }
}

const backoffMs = (attempt: number) => 250 * 2 ** (attempt - 1);

/** Seconds until a RateLimit-Reset (epoch seconds) time, when the provider sends one. */
function resetSeconds(headers: Headers): number | undefined {
  const reset = Number(headers.get("ratelimit-reset") ?? headers.get("x-ratelimit-reset"));
  if (!reset) return undefined;
  return Math.max(1, Math.ceil(reset - Date.now() / 1000));
}

/** The next page: the Link header's rel="next", else GitLab's X-Next-Page number on the same query. */
function nextPageUrl(headers: Headers, path: string, query: Record<string, string | number | undefined>, baseUrl: string): string | undefined {
  const link = headers.get("link");
  const next = link && /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
  // Only on the provider's own origin: the token goes along with every request.
  if (next) {
    if (new URL(next).origin !== new URL(baseUrl).origin) throw failedPrecondition("the provider's next page is on another server, which is not followed");
    return next;
  }
  const page = headers.get("x-next-page");
  if (!page) return undefined;
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}${path}`);
  for (const [name, value] of Object.entries({ ...query, page })) if (value !== undefined) url.searchParams.set(name, String(value));
  return url.href;
}
